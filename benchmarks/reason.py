"""The rl closure of one file (parse, reason with property chains, check for contradictions).

    python benchmarks/reason.py DATA.ttl

Prints the size of the closure and how many triples were inferred.
"""

import sys

import cilo

result = cilo.reason(sys.argv[1])
assert result.consistent, result.to_text()
print(len(result.triples), result.inferred)
