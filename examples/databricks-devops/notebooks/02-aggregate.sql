-- Databricks notebook source
-- Daily counts per event type, rebuilt from the bronze table.
CREATE OR REPLACE TABLE silver.daily_events AS
SELECT date(event_time) AS day, event_type, count(*) AS events
FROM bronze.events
GROUP BY 1, 2
