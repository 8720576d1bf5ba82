# Longshore: `make lab` deploys the platform to a local lab, `make test` runs every test.
SHELL := /bin/bash
VENV := .venv
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)
export ANSIBLE_CONFIG := $(CURDIR)/ansible.cfg

.PHONY: help venv engine images lint docs test lab lab-hosts lab-down clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{ printf "  %-10s %s\n", $$1, $$2 }'

venv: $(VENV)/.installed ## Build the controller toolchain (.venv)

$(VENV)/.installed: requirements.txt
	scripts/venv.sh

engine: ## Make sure a Docker engine answers (installs and starts one on Debian/Ubuntu)
	scripts/engine.sh

images: engine ## Build the Debian 12 and 13 systemd images (skipped when up to date)
	scripts/images.sh

lint: venv ## Static checks only
	ruff check . && ruff format --check .
	yamllint --strict .
	ansible-lint
	python scripts/role_docs.py --check

docs: venv ## Rewrite the roles' variable tables from meta/argument_specs.yml
	python scripts/role_docs.py

test: venv ## Run every test: static checks, unit tests, every Molecule scenario
	scripts/test.sh $(SCENARIO)

lab-hosts: venv images ## Create the lab hosts (containers)
	ansible-playbook playbooks/lab.yml

lab: lab-hosts ## Bring up the lab and deploy the platform to it
	ansible-playbook site.yml
	ansible all -m ansible.builtin.ping

lab-down: venv ## Remove the lab hosts
	ansible-playbook playbooks/lab.yml -e lab_state=absent

clean: ## Remove the toolchain and caches (not the images)
	rm -rf $(VENV) .cache
