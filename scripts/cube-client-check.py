"""Talks to a ConvAI server with Cube's own Python client (cube-http-client), whose
pydantic models reject any response that does not have Cube's shape.

Usage: cube-client-check.py BASE_URL TOKEN QUERY_JSON
Calls /v1/meta, /v1/load (the client always asks for queryType=multi) and /v1/sql for
QUERY_JSON and prints one JSON object with what it read; a response the client cannot
parse raises, and the script exits non-zero.
"""
import json
import sys

import cube_http


def main(base_url, token, query_json):
    query = json.loads(query_json)
    client = cube_http.Client({"url": base_url + "/cubejs-api", "token": token})
    meta = client.v1.meta()
    loaded = client.v1.load({"query": query})
    sql = client.v1.sql({"query": query})
    print(json.dumps({
        "cubes": [cube.name for cube in meta.cubes],
        "measures": [m.name for cube in meta.cubes for m in cube.measures],
        "data": loaded.results[0].data,
        "annotationMeasures": sorted(loaded.results[0].annotation.measures),
        "sql": sql.sql.sql[0],
        "params": sql.sql.sql[1],
    }))


if __name__ == "__main__":
    main(*sys.argv[1:4])
