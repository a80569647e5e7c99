# The two commands a newcomer needs: `make run` (the whole product locally) and `make test`.
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test reset bench catalogs package clean

$(STAMP): requirements.txt requirements-dev.txt
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

# Options of dev.run go in ARGS: make run ARGS="--port 8081 --no-captcha". Exit status 2 means
# dev.run started nothing and said why (already running, port taken): no make error on top.
run: $(STAMP)
	@$(PY) -m dev.run $(ARGS) || test $$? -eq 2

test: $(STAMP)
	$(PY) -m pytest -q

reset:
	rm -rf var/

bench: $(STAMP)
	$(PY) -m bench.run

catalogs: $(STAMP)
	$(PY) -m dev.catalogs

# A CloudFormation package for STAGE (dev or prod): chalice's Lambdas and API plus the tables,
# site bucket, CloudFront, SES identity and least-privilege policy from deploy/template.py.
STAGE ?= prod
package: $(STAMP)
	mkdir -p build
	$(PY) -m deploy.template policy $(STAGE) > .chalice/policy-$(STAGE).json
	$(PY) -m deploy.template resources $(STAGE) > build/resources.json
	rm -rf chalicelib/mail/templates && cp -r templates/mail chalicelib/mail/templates
	AWS_DEFAULT_REGION=$${AWS_DEFAULT_REGION:-eu-west-1} $(VENV)/bin/chalice package --stage $(STAGE) --merge-template build/resources.json build/$(STAGE)
	rm -rf chalicelib/mail/templates

clean:
	rm -rf $(VENV) var/ site/ build/
