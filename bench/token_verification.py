"""RS256 access-token verification with a warm JWKS cache: the cost every authenticated
request pays in every service (signature, exp/iss/aud and claim checks)."""

from __future__ import annotations

import argparse
import asyncio
import json
import time

from catalog_testing import TestTokens


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tokens", type=int, default=20000)
    args = parser.parse_args()
    tokens = TestTokens()
    token = tokens.token("ADMIN")
    await tokens.verifier.verify(token)  # warm the JWKS cache
    started = time.perf_counter()
    for _ in range(args.tokens):
        await tokens.verifier.verify(token)
    elapsed = time.perf_counter() - started
    figures = {
        "benchmark": "token_verification",
        "verifications": args.tokens,
        "verifications_per_second": round(args.tokens / elapsed),
        "microseconds_each": round(elapsed / args.tokens * 1e6, 1),
    }
    print(
        f"token verification: {figures['verifications_per_second']}/s "
        f"({figures['microseconds_each']} us each, one core)"
    )
    print(json.dumps(figures))


if __name__ == "__main__":
    asyncio.run(main())
