# The two commands a newcomer needs: `make run` (the whole product locally) and `make test`.
# `make test` sets up what it needs on a fresh clone: the venv, the npm test tools, and Debian's
# Chromium (installed when missing and run as root, else a line saying how: dev/need.sh).
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed
CHROMIUM := $(or $(TRACES_CHROMIUM),/usr/bin/chromium)

.PHONY: run test reset bench catalogs package deploy clean browser scanner

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

# The COI PDF's QR code is printed, rasterised and scanned back: poppler and zbar; its seal is
# checked by poppler's pdfsig against the root in an NSS database (certutil: libnss3-tools).
scanner:
	@sh dev/need.sh poppler-utils pdftoppm -v
	@sh dev/need.sh zbar-tools zbarimg --version
	@sh dev/need.sh libnss3-tools test -x /usr/bin/certutil

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
# site bucket, CloudFront, SES identity, alarms and per-function IAM from deploy/template.py, and
# the Lambda zip built for Lambda's platform from wheels only; deploy.package checks them both.
STAGE ?= prod
package: $(STAMP)
	AWS_DEFAULT_REGION=$${AWS_DEFAULT_REGION:-eu-west-1} $(PY) -m deploy.package $(STAGE)

# Everything a deployment needs, safe to run again (docs/deploying.md): the package, the artifact
# bucket, the edge stack (us-east-1) and the main stack, the site, init, the first administrator.
# Set AWS_DEFAULT_REGION, TRACES_SITE_DOMAIN, TRACES_CERTIFICATE_ARN, TRACES_MAIL_SENDER and
# TRACES_ADMIN_EMAIL first (TRACES_ALERT_EMAIL: optional).
deploy: package
	$(PY) -m deploy.deploy $(STAGE)

clean:
	rm -rf $(VENV) var/ site/ build/ node_modules/
