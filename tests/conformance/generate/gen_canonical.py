#!/usr/bin/env python3
"""Writes vectors/canonical.json: inputs and their canonical JSON as CPython computes it.

Oracle: `json.dumps(json.loads(input), sort_keys=True, separators=(",", ":")).encode("utf-8")`.
`ok: false` when loads or dumps raises anything (ValueError, UnicodeDecodeError, RecursionError…).
`json.loads` on bytes detects UTF-8/16/32 (with or without a BOM) and decodes with
'surrogatepass', so UTF-8-encoded surrogates are accepted.

Inputs: every file of JSONTestSuite's test_parsing/ (y_ and i_ files; ids `jsts-<name>`), then
generated edge cases (ids `canon-<slug>-NNN`). Nesting depths between 900 and 1100 are left out
on purpose: CPython's limit there depends on the caller's stack depth.
"""

import json
import math
import os
import random
import struct
from pathlib import Path

from common import CONFORMANCE, VECTORS, Ids, assert_unique_ids, b64, require_cpython_311, write_json

JSONTESTSUITE = Path(os.environ.get(
    "JSONTESTSUITE_DIR", CONFORMANCE / "generate" / "JSONTestSuite" / "test_parsing"))
SEED = 1700000000


def oracle(data: bytes):
    """CPython's canonical form, or None when CPython refuses the input."""
    try:
        return json.dumps(json.loads(data), sort_keys=True, separators=(",", ":")).encode("utf-8")
    except Exception:  # noqa: BLE001 - any exception is a refusal (RecursionError included)
        return None


def utf8(text: str) -> bytes:
    return text.encode("utf-8")


# ---------------------------------------------------------------------------------------------
# Generated inputs: (slug, name, bytes)
# ---------------------------------------------------------------------------------------------


def literals():
    for text in ["NaN", "Infinity", "-Infinity", "[NaN,Infinity,-Infinity]", '{"n":NaN}',
                 "nan", "inf", "-NaN", "+Infinity", "infinity", "Infinity1", "true", "false", "null",
                 "True", "NULL", "[true,false,null]", "tru", "nul"]:
        yield "literal", f"literal {text}", utf8(text)


FLOATS = [
    "1e16", "1E16", "1e+16", "0.00001", "1e-05", "1.0", "-0.0", "0.1", "1e22", "1e21", "1e15", "5e-324",
    "2.5e-324", "2.4e-324", "1.7976931348623157e308", "1.7976931348623158e308", "1.7976931348623159e308",
    "1e400", "-1e400", "1e-400", "-1e-400", "123456789012345678901234567890.0", "0.000001", "0.0001", "1e-7",
    "100.0", "1.5", "2.2250738585072014e-308", "2.225073858507201e-308", "4.9e-324", "9007199254740993.0",
    "0.1e1", "1e0", "-0e0", "0e-0", "0.30000000000000004", "3.141592653589793238462643383279",
    "1." + "0" * 300 + "1", "0." + "0" * 400 + "1", "1" + "0" * 400 + ".0", "12345678901234567890e-20",
    "1.0E+2", "1e-0", "-1.5e-10", "0.5", "[1.0,2.50,-0.0,0e0]",
]


def floats():
    for text in FLOATS:
        shown = text if len(text) < 40 else text[:20] + f"…({len(text)} chars)"
        yield "float", f"number {shown}", utf8(text)
    for text in ["1e99999", "-1e99999", "1e-99999", "1E+99999", "0e99999", "[1e309,-1e309]"]:
        yield "exponent", f"huge exponent {text}", utf8(text)


def random_doubles():
    """~100 doubles from a seeded RNG, each written with repr and with other spellings."""
    rng = random.Random(SEED)
    doubles = []
    while len(doubles) < 50:  # uniform over bit patterns: every exponent, subnormals included
        x = struct.unpack("<d", rng.getrandbits(64).to_bytes(8, "little"))[0]
        if math.isfinite(x):
            doubles.append(x)
    doubles += [rng.random() * 10.0 ** rng.randint(-30, 30) for _ in range(25)]
    doubles += [round(rng.uniform(-1e6, 1e6), rng.randint(0, 12)) for _ in range(25)]
    for x in doubles:
        yield "random-repr", f"random double {x!r} (repr)", utf8(repr(x))
        spelled = ["%.17g" % x, "%e" % x, "%.25e" % x, "%.17E" % x]
        yield "random-spelled", f"random double {x!r} as %.17g, %e, %.25e, %.17E", utf8("[" + ",".join(spelled) + "]")
    # Plain decimals of every length around 15-17 significant digits, with and without leading and
    # trailing zeros: where a printer may copy the text as written, and where it must not.
    for batch in range(4):
        decimals = []
        for _ in range(400):
            int_len = rng.choice([0, 1, 2, 3, 5, 8, 12, 14, 15, 16, 17])
            whole = "0" if int_len == 0 else str(rng.randint(1, 9)) + "".join(rng.choice("0123456789") for _ in range(int_len - 1))
            frac = "".join(rng.choice("0123456789") for _ in range(rng.randint(1, 18)))
            if rng.random() < 0.3:
                frac = "0" * rng.randint(0, 6) + frac[:3]
            if rng.random() < 0.2:
                frac += "0" * rng.randint(1, 3)
            decimals.append(("-" if rng.random() < 0.2 else "") + whole + "." + frac)
        yield "decimals", f"400 plain decimals, batch {batch}", utf8("[" + ",".join(decimals) + "]")


def integers():
    digits = "1234567890" * 431
    for text, name in [
        ("0", "zero"), ("-0", "minus zero becomes 0"), ("-1", "minus one"), ("[0,-0,1,-1]", "small integers"),
        (str(2 ** 53 + 1), "2^53+1 kept exactly"), (str(2 ** 63), "2^63"), (str(2 ** 64), "2^64"),
        (str(-(2 ** 63) - 1), "-2^63-1"), (digits[:20], "20 digits"), (digits[:100], "100 digits"),
        (digits[:4300], "4300 digits (CPython's limit, accepted)"), ("-" + digits[:4300], "minus and 4300 digits"),
        (digits[:4301], "4301 digits (over CPython's int limit, refused)"),
        ("[" + digits[:4301] + "]", "4301 digits inside an array"), ("1" + "0" * 4299, "10^4299"),
    ]:
        yield "int", name, utf8(text)
    for text, name in [
        ("01", "leading zero"), ("[00]", "two zeros"), ("-01", "minus leading zero"), ("+1", "plus sign"),
        (".5", "no integer part"), ("1.", "no fraction digits"), ("1e", "no exponent digits"),
        ("1e+", "bare exponent sign"), ("-", "minus alone"), ("0x10", "hex number"), ("1_000", "underscore separator"),
        ("- 1", "space after minus"), ("[1 2]", "two numbers without a comma"), ("2.", "trailing dot"),
        ("1.e5", "dot then exponent"), ("١٢", "Arabic-Indic digits"),
    ]:
        yield "number-syntax", name, utf8(text)


def strings():
    esc = [
        (r'"\" \\ \/ \b \f \n \r \t"', "every short escape"),
        (r'"\u0000\u0001\u001f\u007f\u0080\u00ff"', "escaped control and Latin-1 characters"),
        (r'"\u00e9"', "\\u00e9"), (r'"\u00E9"', "\\u00E9 with upper-case hex"), ('"é"', "raw UTF-8 é"),
        (r'"\ud83d\ude00"', "astral character as an escaped surrogate pair"), ('"😀"', "astral character as raw UTF-8"),
        (r'"\ud800"', "lone high surrogate (escaped)"), (r'"\udc00"', "lone low surrogate (escaped)"),
        (r'"\ude00\ud83d"', "surrogates in the wrong order"), (r'"\ud83d\u0041"', "high surrogate then a letter"),
        (r'"\ud83d\ud83d\ude00"', "two high surrogates then a low one"),
        (r'"\u2028\u2029"', "escaped line and paragraph separators"), ('"\u2028\u2029"', "raw U+2028 and U+2029"),
        ('"\x7f"', "raw DEL"), ('"\ufeff"', "raw U+FEFF inside a string"), ('"\uffff\ufffe"', "raw noncharacters"),
        ('"\U0010ffff"', "raw U+10FFFF"), ('"a/b"', "solidus kept as is"), ('""', "empty string"),
        ("\"\\u0041\\u0062\"", "escaped ASCII letters"), ('"\\\\u0041"', "escaped backslash then u0041"),
        (r'"\x41"', "invalid escape \\x"), (r'"\'"', "invalid escape \\'"), (r'"\u12"', "short \\u escape"),
        (r'"\uZZZZ"', "\\u with non-hex digits"), ('"abc\\"', "backslash before the closing quote"),
        (r'"\U0001F600"', "\\U escape is not JSON"), ('"\\a"', "invalid escape \\a"),
    ]
    for text, name in esc:
        yield "string", name, utf8(text)
    for code in [0x00, 0x01, 0x09, 0x0A, 0x0D, 0x1F]:
        yield "string-control", f"raw control character U+{code:04X} inside a string", b'"a' + bytes([code]) + b'b"'
    raw = [
        (b'"\xed\xa0\x80"', "UTF-8-encoded lone high surrogate ED A0 80 (surrogatepass accepts it)"),
        (b'"\xed\xb0\x80"', "UTF-8-encoded lone low surrogate ED B0 80"),
        (b'"\xed\xa0\xbd\xed\xb8\x80"', "CESU-8 surrogate pair (two encoded surrogates)"),
        (b'"\xc0\xaf"', "overlong encoding of '/'"), (b'"\xe0\x80\xaf"', "3-byte overlong encoding"),
        (b'"\xff"', "byte 0xFF"), (b'"\xfe"', "byte 0xFE"), (b'"\xe2\x82"', "truncated 3-byte sequence"),
        (b'"\x80"', "lone continuation byte"), (b'"\xf4\x90\x80\x80"', "code point above U+10FFFF"),
        (b'"\xf5\x80\x80\x80"', "byte 0xF5"), (b'"caf\xe9"', "Latin-1 é"), (b"\xff", "byte 0xFF alone"),
        (b'["a",\x80]', "continuation byte outside a string"), (b'{"\xc3\xa9":1}', "raw UTF-8 key é"),
    ]
    for data, name in raw:
        yield "utf8", name, data


def keys():
    cases = [
        ('{"\\uffff":1,"\\ud83d\\ude00":2}', "U+FFFF sorts before U+1F600 (code points, not UTF-16)"),
        ('{"😀":1,"\uffff":2,"\ue000":3}', "raw astral, U+FFFF and U+E000 keys"),
        ('{"\\ud800":1,"\\ue000":2,"\\ud83d\\ude00":3,"\\udfff":4}', "lone surrogate keys among others"),
        ('{"z":1,"é":2,"e":3}', "é sorts after z"), ('{"a":1,"A":2,"_":3,"0":4," ":5}', "A < _ < a"),
        ('{"b":1,"a":2,"a":3}', "duplicate key: the last value wins"),
        ('{"a":{"y":1},"a":{"x":2}}', "duplicate key with object values: the last wins whole"),
        ('{"a":1,"\\u0061":2}', "a and \\u0061 are the same key"), ('{"":1,"a":2}', "empty key"),
        ('{"":{"":{"":[]}}}', "nested empty keys"),
        ('{"b":{"d":1,"c":[{"f":1,"e":2}]},"a":0}', "objects sorted at every level, arrays keep their order"),
        ('{"z":{"b":[1,{"y":2,"x":{"q":0,"p":1}}],"a":{},"b":null},"y":[],"z":{"d":{"c":1,"c":2},"\\u00e9":3,"é":4}}',
         "duplicates and unsorted objects nested in each other, the last of each key wins whole"),
        ('{"\\u007a":1,"\\u00e9":[{"\\ud83d\\ude00":{"b":2,"a":1},"\\uffff":0}],"a\\"b":2,"a\\\\":3}',
         "escaped keys sort by their characters, not by their escapes"),
        ('{"10":1,"9":2,"1":3}', "numeric-looking keys sort as text"),
        # Objects of 4 KiB and more keep their largest member in place while sorting the rest.
        ('{"b":"' + "x" * 4100 + '","a":1}', "the largest member first moves last"),
        ('{"c":1,"a":[' + "1," * 2100 + '1],"b":2}', "the largest member in the middle moves first"),
        ('{"b":"' + "x" * 4100 + '","a":1,"b":2}', "the largest member is a repeated key's first: dropped"),
        ('{"b":2,"c":0,"a":1,"b":"' + "x" * 4100 + '"}', "the largest member is a repeated key's last: kept"),
        ('{"z":0,"a":{"c":"' + "x" * 4100 + '","b":[{"e":1,"d":2}]},"m":{"q":1,"p":2}}',
         "the largest member holds unsorted objects of its own"),
        ('{"ab":1,"a":2,"abc":3,"b":4}', "prefixes sort first"),
        ('{"a\\u0000b":1,"a":2}', "key with an escaped NUL"),
        ('{"a":1,}', "trailing comma in an object"), ('{a:1}', "unquoted key"), ("{'a':1}", "single-quoted key"),
        ('{"a" 1}', "missing colon"), ('{1:2}', "number as a key"), ('{"a":1 "b":2}', "missing comma"),
        ('{"a"::1}', "double colon"), ('{,}', "lone comma"),
    ]
    for text, name in cases:
        yield "keys", name, utf8(text)
    many = "{" + ",".join(f'"k{i:03d}":{i}' for i in reversed(range(300))) + "}"
    yield "keys", "300 keys in reverse order", utf8(many)


def whitespace():
    doc = '{"a":[1,true,null,"s",{"b":2.5}],"c":{}}'
    for ws, label in [(" ", "spaces"), ("\t", "tabs"), ("\r", "CRs"), ("\n", "LFs"), (" \t\r\n", "all four")]:
        spaced = ws + ws.join(tokenize(doc)) + ws
        yield "ws", f"{label} around every token", utf8(spaced)
    for ch, label in [("\f", "form feed"), ("\v", "vertical tab"), ("\u00a0", "no-break space"),
                      ("\u2028", "U+2028"), ("\u3000", "ideographic space"), ("\x00", "NUL")]:
        yield "ws-refused", f"{label} between tokens", utf8("[1," + ch + "2]")
    for text, name in [("", "empty input"), ("   ", "whitespace only"), ("[] []", "two documents"),
                       ("[]x", "trailing garbage"), ("[]\x00", "trailing NUL"), ("\n\n[]\n\n", "blank lines around")]:
        yield "ws", name, utf8(text)


def tokenize(doc):
    """Split a compact JSON text (no spaces inside strings) into tokens."""
    tokens, i = [], 0
    while i < len(doc):
        if doc[i] in "[]{},:":
            tokens.append(doc[i])
            i += 1
        elif doc[i] == '"':
            j = doc.index('"', i + 1)
            tokens.append(doc[i:j + 1])
            i = j + 1
        else:
            j = i
            while j < len(doc) and doc[j] not in "[]{},:":
                j += 1
            tokens.append(doc[i:j])
            i = j
    return tokens


def encodings():
    doc = '{"é":"😀","a":[1,2]}'
    for codec, bom, label in [
        ("utf-8", b"\xef\xbb\xbf", "UTF-8 with BOM"), ("utf-16-le", b"\xff\xfe", "UTF-16-LE with BOM"),
        ("utf-16-be", b"\xfe\xff", "UTF-16-BE with BOM"), ("utf-16-le", b"", "UTF-16-LE without BOM"),
        ("utf-16-be", b"", "UTF-16-BE without BOM"), ("utf-32-le", b"\xff\xfe\x00\x00", "UTF-32-LE with BOM"),
        ("utf-32-be", b"\x00\x00\xfe\xff", "UTF-32-BE with BOM"), ("utf-32-le", b"", "UTF-32-LE without BOM"),
        ("utf-32-be", b"", "UTF-32-BE without BOM"),
    ]:
        yield "encoding", label, bom + doc.encode(codec)
    for data, name in [
        (b"\xef\xbb\xbf", "UTF-8 BOM alone"), (b"\xef\xbb\xbf\xef\xbb\xbf[]", "two UTF-8 BOMs"),
        (b"\xef\xbb\xbf 1", "UTF-8 BOM, space, scalar"), ("1".encode("utf-16-le"), "scalar 1 in UTF-16-LE"),
        ('"a"'.encode("utf-16-be"), "string in UTF-16-BE"), ("[1]".encode("utf-16-le") + b"\x00", "UTF-16 odd length"),
        (b"\xff\xfe" + "[\ud800]".encode("utf-16-le", "surrogatepass"), "UTF-16 with a raw lone surrogate"),
        (b" \xef\xbb\xbf[]", "UTF-8 BOM after a space"),
    ]:
        yield "encoding", name, data


def scalars():
    for text in ["1", "-1.5", '"text"', "{}", '[{}]', " 0 "]:  # true, null, [] and [[]] come elsewhere
        yield "scalar", f"top-level {text.strip()}", utf8(text)


def depths():
    for n in (1, 10, 500, 100000):
        yield "depth", f"{n} nested arrays", b"[" * n + b"]" * n
        yield "depth", f"{n} nested objects", b'{"a":' * n + b"1" + b"}" * n
    yield "depth", "500 levels alternating arrays and objects", b'[{"a":' * 250 + b"0" + b"}]" * 250
    yield "depth", "100000 unclosed arrays", b"[" * 100000


def syntax():
    cases = [
        ("[1,2", "truncated array"), ('{"a":', "truncated after a colon"), ('{"a"', "truncated after a key"),
        ('"abc', "unterminated string"), ("[", "lone ["), ("{", "lone {"), ("]", "lone ]"),
        ('{"a":[1,2}', "mismatched brackets"), ("[1,]", "trailing comma in an array"), ("[,1]", "leading comma"),
        ("[1,,2]", "double comma"), ("['a']", "single-quoted string"), ("[1]//c", "line comment"),
        ("/*c*/[1]", "block comment before"), ("[1,/*c*/2]", "block comment inside"), ("#[1]", "hash comment"),
        ("[undefined]", "undefined"), ("(1)", "parentheses"), ('{"a":1}}', "extra closing brace"),
    ]
    for text, name in cases:
        yield "syntax", name, utf8(text)


GENERATORS = [literals, floats, random_doubles, integers, strings, keys, whitespace, encodings, scalars, depths,
              syntax]


def case(case_id, name, data):
    canonical = oracle(data)
    expect = {"ok": False} if canonical is None else {"ok": True, "canonical_b64": b64(canonical)}
    return {"id": case_id, "name": name, "input_b64": b64(data), "expect": expect}


def main():
    require_cpython_311()
    files = sorted(JSONTESTSUITE.glob("*.json"))
    assert len(files) >= 100, f"JSONTestSuite files not found in {JSONTESTSUITE}"
    cases = [case(f"jsts-{f.stem}", f"JSONTestSuite test_parsing/{f.name}", f.read_bytes()) for f in files]
    ids = Ids("canon")
    seen = set()
    for generator in GENERATORS:
        for slug, name, data in generator():
            assert data not in seen, f"duplicate input: {name}"
            seen.add(data)
            cases.append(case(ids.next(slug), name, data))
    assert_unique_ids(cases)
    cases.sort(key=lambda c: c["id"])
    write_json(VECTORS / "canonical.json", cases)
    ok = sum(c["expect"]["ok"] for c in cases)
    print(f"canonical.json: {len(cases)} cases ({ok} ok, {len(cases) - ok} refused; "
          f"{len(files)} from JSONTestSuite)")


if __name__ == "__main__":
    main()
