# Two entry points (see README): `make review` and `make test`.
.PHONY: setup review test samples template clean-reports

setup:
	bash scripts/setup.sh

# Main job: review every sample enterprise in parameters/, reports land in reports/.
review: setup
	.venv/bin/cementnb batch parameters/ --pdf

# Every test, including the notebooks executed with papermill and nbval.
test: setup
	.venv/bin/python -m pytest tests --nbval-lax notebooks -p no:cacheprovider

samples: setup
	.venv/bin/cementnb samples data/samples --parameters parameters

template: setup
	.venv/bin/cementnb template reports/碳排放计量审查报送模板.xlsx
