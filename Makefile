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

run: $(STAMP)
	$(PY) -m dev.run

test: $(STAMP)
	$(PY) -m pytest -q

reset:
	rm -rf var/

bench: $(STAMP)
	$(PY) -m bench.run

catalogs: $(STAMP)
	$(PY) -m dev.catalogs

package: $(STAMP)
	rm -rf chalicelib/mail/templates && cp -r templates/mail chalicelib/mail/templates
	$(VENV)/bin/chalice package --stage prod build/
	rm -rf chalicelib/mail/templates

clean:
	rm -rf $(VENV) var/ site/ build/
