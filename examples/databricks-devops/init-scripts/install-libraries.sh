#!/bin/bash
# Runs on every node of the clusters that name it, before Spark starts: a non-zero exit fails the cluster start
# (berth reports it as INIT_SCRIPT_FAILURE with the event log's last lines).
set -euo pipefail
/databricks/python/bin/pip install --quiet "great-expectations==1.3.9" "azure-identity==1.19.0"
