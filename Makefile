# Longshore: `make lab` deploys the platform to a local lab, `make test` runs every test.
SHELL := /bin/bash
.SHELLFLAGS := -o pipefail -c
VENV := .venv
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)
export ANSIBLE_CONFIG := $(CURDIR)/ansible.cfg

.PHONY: help venv engine images lint docs test lab lab-hosts lab-down smoke drift lock secrets bench clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{ printf "  %-10s %s\n", $$1, $$2 }'

venv: $(VENV)/.installed ## Build the controller toolchain (.venv)

$(VENV)/.installed: requirements.txt roles/celery/files/longshore-celery/pyproject.toml
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

lab: lab-hosts ## Bring up the lab, deploy the platform to it, then run the smoke
	@mkdir -p .cache/logs
	ansible-playbook site.yml | tee .cache/logs/site.yml.log
	@python scripts/recap.py .cache/logs/site.yml.log
	@$(MAKE) --no-print-directory smoke

smoke: venv ## Send counting tasks through the running lab; print sent, completed, lost, duplicated, latency
	ansible-playbook playbooks/smoke.yml

drift: venv ## Show what site.yml would change on the running lab (check mode with diffs; changes nothing)
	ansible-playbook site.yml --check --diff

lock: venv ## Lock the lab application's dependencies (writes app/requirements.lock)
	ansible-playbook playbooks/lock.yml

lab-down: venv ## Remove the lab hosts
	ansible-playbook playbooks/lab.yml -e lab_state=absent

bench: venv images ## Recreate the lab, then run every drill and benchmark on it (rows go to docs/BENCHMARKS.md)
	bench/converge.sh
	ansible-playbook bench/tls-cost.yml
	ansible-playbook bench/worker-crash.yml
	ansible-playbook bench/rolling-restart.yml
	ansible-playbook bench/redis-failover.yml
	ansible-playbook bench/redis-failover-load.yml
	ansible-playbook bench/rabbitmq-node-loss.yml

secrets: venv ## Write and encrypt random secrets for an environment: make secrets ENV=staging
	@test -n "$(ENV)" || { echo "make secrets: name the environment, e.g. make secrets ENV=staging" >&2; exit 2; }
	python scripts/write_secrets.py inventories/$(ENV) $(if $(VAULT_PASSWORD_FILE),--vault-password-file $(VAULT_PASSWORD_FILE))

clean: ## Remove the toolchain and caches (not the images)
	rm -rf $(VENV) .cache
