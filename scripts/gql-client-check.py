"""Talks to ConvAI's GraphQL API with gql, a GraphQL client from PyPI: the client fetches
the schema by introspection, validates the query against it before sending it, runs it and
also checks that a query naming an unknown member is refused by its own validation.

Usage: gql-client-check.py URL TOKEN QUERY [VARIABLES_JSON]
Prints one JSON object: the query's result, the names of the schema's types and of the
fields of its Result type, and the client's message for the invalid query. Any transport
or server error raises, and the script exits non-zero.
"""
import json
import sys

from graphql import GraphQLError
from gql import Client, GraphQLRequest
from gql.transport.requests import RequestsHTTPTransport


def main(url, token, query, variables_json="{}"):
    transport = RequestsHTTPTransport(url=url, headers={"Authorization": token}, timeout=120, retries=0)
    client = Client(transport=transport, fetch_schema_from_transport=True)
    with client as session:
        request = GraphQLRequest(query, variable_values=json.loads(variables_json))
        result = session.execute(request)
        schema = client.schema
        invalid = "not refused"
        try:
            session.execute(GraphQLRequest("{ cube { transactions { noSuchMember } } }"))
        except GraphQLError as error:
            invalid = error.message
    print(json.dumps({
        "result": result,
        "types": sorted(schema.type_map),
        "resultFields": sorted(schema.type_map["Result"].fields),
        "invalid": invalid,
    }))


if __name__ == "__main__":
    main(*sys.argv[1:])
