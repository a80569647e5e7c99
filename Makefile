# The two commands a newcomer needs: `make run` (the whole product locally) and `make test`.
# `make test` sets up what it needs on a fresh clone: the venv, the npm test tools, and Debian's
# Chromium (installed when missing and run as root, else a line saying how: dev/need.sh).
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed
CHROMIUM := $(or $(TRACES_CHROMIUM),/usr/bin/chromium)

.PHONY: run test reset bench catalogs package clean browser scanner

$(STAMP): requirements.txt requirements-dev.txt
	@sh dev/need.sh python3-venv python3 -c "import ensurepip, venv"
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

# Options of dev.run go in ARGS: make run ARGS="--port 8081 --no-captcha". Exit status 2 means
# dev.run started nothing and said why (already running, port taken): no make error on top.
run: $(STAMP)
	@$(PY) -m dev.run $(ARGS) || test $$? -eq 2

# axe-core for the browser tests: `npm ci` again only when the lock file changed.
$(NODE_STAMP): package.json package-lock.json
	@sh dev/need.sh npm npm --version
	npm ci --no-audit --no-fund --silent
	touch $(NODE_STAMP)

browser: $(NODE_STAMP)
	@sh dev/need.sh chromium test -x $(CHROMIUM)

# The COI PDF's QR code is printed, rasterised and scanned back: poppler and zbar.
scanner:
	@sh dev/need.sh poppler-utils pdftoppm -v
	@sh dev/need.sh zbar-tools zbarimg --version

# The linter first (ruff.toml), then every test, a quick pass of `make bench` among them.
test: $(STAMP) browser scanner
	$(VENV)/bin/ruff check --quiet .
	$(PY) -m pytest -q

reset:
	rm -rf var/

bench: $(STAMP)
	$(PY) -m bench.run

catalogs: $(STAMP)
	$(PY) -m dev.catalogs

# A CloudFormation package for STAGE (dev or prod): chalice's Lambdas and API plus the tables,
# site bucket, CloudFront, SES identity, alarms and per-function IAM from deploy/template.py;
# then deploy.package slims the zip and checks it (sizes, imports, cfn-lint).
STAGE ?= prod
package: $(STAMP)
	mkdir -p build
	$(PY) -m deploy.template policies $(STAGE)
	$(PY) -m deploy.template resources $(STAGE) > build/resources.json
	rm -rf chalicelib/mail/templates && cp -r templates/mail chalicelib/mail/templates
	AWS_DEFAULT_REGION=$${AWS_DEFAULT_REGION:-eu-west-1} $(VENV)/bin/chalice package --stage $(STAGE) --merge-template build/resources.json build/$(STAGE)
	rm -rf chalicelib/mail/templates
	$(PY) -m deploy.package build/$(STAGE)

clean:
	rm -rf $(VENV) var/ site/ build/ node_modules/
