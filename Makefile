.PHONY: run test bench lint

run:
	./scripts/run.sh

test:
	./scripts/test.sh

bench:
	./scripts/setup.sh --test
	.venv/bin/python -m bench
	.venv/bin/python -m bench.final_pdf
	.venv/bin/python -m bench.signing

lint:
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/mypy
