#!/usr/bin/env python3
"""Reads Prometheus text exposition on stdin with the official client's parser
(prometheus-client) and prints what it understood as JSON: one entry per sample with the
family name, type, sample name, labels and value. Fails (exit 1) if the text does not parse."""
import json
import sys

from prometheus_client.parser import text_string_to_metric_families

samples = []
for family in text_string_to_metric_families(sys.stdin.read()):
    for sample in family.samples:
        samples.append({
            "family": family.name, "type": family.type, "name": sample.name,
            "labels": sample.labels, "value": sample.value,
        })
json.dump(samples, sys.stdout)
