#!/usr/bin/env python3
"""Tokens from PyJWT, a client other than ConvAI's own, for the tests.

  pyjwt-mint.py SECRET TENANT SUBJECT ROLE          HS256 over SECRET (the older form)
  pyjwt-mint.py keys DIR [N]                        new RSA and P-256 key pairs: DIR/rsa.pem,
                                                    DIR/ec.pem and their public JWKS DIR/jwks.json
                                                    (kids "rsa-N" and "ec-N", N=1 by default), as
                                                    an identity provider would publish it
  pyjwt-mint.py sign ALG KEY KID TENANT SUBJECT ROLE [--iss I] [--aud A] [--exp-in S] [--nbf-in S]
                                                    [--territory T]
                                                    a token signed with KEY (a PEM file, or the
                                                    secret for HS256); KID "-" leaves the kid out
"""
import argparse
import json
import os
import sys
import time

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa


def keys(folder, generation="1"):
    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    ec_key = ec.generate_private_key(ec.SECP256R1())
    jwks = []
    for name, key, kid, algorithm, alg in (
        ("rsa.pem", rsa_key, "rsa-" + generation, jwt.algorithms.RSAAlgorithm, "RS256"),
        ("ec.pem", ec_key, "ec-" + generation, jwt.algorithms.ECAlgorithm, "ES256"),
    ):
        pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
        with open(os.path.join(folder, name), "wb") as out:
            out.write(pem)
        jwk = json.loads(algorithm.to_jwk(key.public_key()))
        jwk.update({"kid": kid, "alg": alg, "use": "sig"})
        jwks.append(jwk)
    with open(os.path.join(folder, "jwks.json"), "w") as out:
        json.dump({"keys": jwks}, out)


def sign(argv):
    parser = argparse.ArgumentParser(prog="pyjwt-mint.py sign")
    for name in ("alg", "key", "kid", "tenant", "subject", "role"):
        parser.add_argument(name)
    parser.add_argument("--iss")
    parser.add_argument("--aud")
    parser.add_argument("--territory")
    parser.add_argument("--exp-in", type=int, default=600)
    parser.add_argument("--nbf-in", type=int)
    args = parser.parse_args(argv)
    now = int(time.time())
    claims = {"tenant": args.tenant, "sub": args.subject, "role": args.role, "iat": now, "exp": now + args.exp_in}
    for claim, value in (("iss", args.iss), ("aud", args.aud), ("territory", args.territory)):
        if value is not None:
            claims[claim] = value
    if args.nbf_in is not None:
        claims["nbf"] = now + args.nbf_in
    if args.alg.startswith("HS"):
        key = args.key
    else:
        with open(args.key, "rb") as source:
            key = source.read()
    headers = {} if args.kid == "-" else {"kid": args.kid}
    print(jwt.encode(claims, key, algorithm=args.alg, headers=headers))


if __name__ == "__main__":
    if sys.argv[1:2] == ["keys"]:
        keys(*sys.argv[2:4])
    elif sys.argv[1:2] == ["sign"]:
        sign(sys.argv[2:])
    else:
        secret, tenant, subject, role = sys.argv[1:5]
        now = int(time.time())
        print(jwt.encode({"tenant": tenant, "sub": subject, "role": role, "iat": now, "exp": now + 600}, secret, algorithm="HS256"))
