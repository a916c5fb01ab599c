# Databricks notebook source
# Shared checks, %run by the other notebooks.
def require_rows(df, name):
    if df.limit(1).count() == 0:
        raise ValueError(f"{name} is empty")
