#!/bin/bash
# Quieter Spark logs on the driver: INFO from py4j and the Hive metastore client drowns what jobs print.
set -euo pipefail
cat >> /databricks/spark/dbconf/log4j/driver/log4j2.xml.d/berth.properties <<'PROPS'
logger.py4j.name = py4j
logger.py4j.level = WARN
PROPS
