# Databricks notebook source
# Reads the day's raw files and writes them as a Delta table; the job passes the date.
dbutils.widgets.text("run_date", "")
run_date = dbutils.widgets.get("run_date")

# COMMAND ----------

raw = spark.read.json(f"abfss://raw@{spark.conf.get('myproject.storage')}.dfs.core.windows.net/events/{run_date}/")
raw.write.format("delta").mode("append").saveAsTable("bronze.events")
