#!/usr/bin/env python3
"""Mints a token with PyJWT, a client other than ConvAI's own: HS256 over the secret given.
Usage: pyjwt-mint.py SECRET TENANT SUBJECT ROLE"""
import sys
import time

import jwt

secret, tenant, subject, role = sys.argv[1:5]
now = int(time.time())
print(jwt.encode({"tenant": tenant, "sub": subject, "role": role, "iat": now, "exp": now + 600}, secret, algorithm="HS256"))
