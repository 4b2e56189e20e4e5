#!/usr/bin/env python3
"""Writes python-key-vectors.json: cache keys computed by the article's own Python function, create_cache_key.

The C# tests read the file and must produce the same canonical JSON and the same hex digest for every vector.
A vector without "system_prompt" was computed by calling create_cache_key WITHOUT that argument (its default, "");
a vector with it passed the string explicitly. Rerun with python3 to regenerate; the random part is seeded, so the
file only changes if this script does.
"""
import hashlib
import inspect
import json
import random

# Marks a case that leaves system_prompt out of the call, so the function's own default applies.
DEFAULT = object()


def create_cache_key(prompt: str, model: str, temperature: float, max_tokens: int, system_prompt: str = "") -> str:
    """The article's function, unchanged."""
    key_data = {
        "prompt": prompt,
        "model": model,
        "temperature": temperature,
        "max_tokens": max_tokens,
        "system_prompt": system_prompt,
    }
    key_string = json.dumps(key_data, sort_keys=True)
    return hashlib.sha256(key_string.encode()).hexdigest()


def vector(prompt, model, temperature, max_tokens, system_prompt):
    if system_prompt is DEFAULT:
        key = create_cache_key(prompt, model, temperature, max_tokens)
        hashed_system_prompt = inspect.signature(create_cache_key).parameters["system_prompt"].default
        fields = {}
    else:
        key = create_cache_key(prompt, model, temperature, max_tokens, system_prompt)
        hashed_system_prompt = system_prompt
        fields = {"system_prompt": system_prompt}
    # The text the key hashes, so the C# tests can compare the JSON before the digest.
    canonical = json.dumps(dict(prompt=prompt, model=model, temperature=temperature, max_tokens=max_tokens,
                                system_prompt=hashed_system_prompt), sort_keys=True)
    assert key == hashlib.sha256(canonical.encode()).hexdigest()
    return {"prompt": prompt, "model": model, "temperature": temperature, "max_tokens": max_tokens,
            **fields, "canonical": canonical, "key": key}


cases = [
    ("Explain quantum computing", "gpt-4", 0.7, 500, DEFAULT),
    ("Explain quantum computing", "gpt-4", 0.7, 500, "You are a helpful assistant."),
    ("", "gpt-4", 0.0, 0, DEFAULT),
    ("héllo wörld, ça va? ñ", "gpt-4", 0.7, 100, "Réponds en français."),
    ("日本語のテキスト、中文字符, 한국어", "claude-3-5-sonnet", 1.0, 256, DEFAULT),
    ("emoji 😀🚀 and flags 🇩🇪 and family 👨‍👩‍👧", "gpt-4", 0.2, 64, "Use emoji 👍"),
    ("quotes \" and ' and backslash \\ and slash /", "gpt-4", 0.5, 10, DEFAULT),
    ("control \x00 \x01 \x08 \x0b \x0c \x1b \x1f \x7f \t \n \r end", "gpt-4", 0.5, 10, "\n\t"),
    ("line one\nline two\r\nline three", "gpt-4", 0.5, 10, DEFAULT),
    ("\u2028\u2029 separators and \ufeff BOM and \u00a0 nbsp", "gpt-4", 0.5, 10, DEFAULT),
    ("math 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 and ancient 𓀀", "gpt-4", 0.5, 10, DEFAULT),
    ("float 1e-05", "gpt-4", 1e-05, 1, DEFAULT),
    ("float 1e+16", "gpt-4", 1e16, 1, DEFAULT),
    ("float 1e15", "gpt-4", 1e15, 1, DEFAULT),
    ("float 0.1+0.2", "gpt-4", 0.1 + 0.2, 1, DEFAULT),
    ("float 1/3", "gpt-4", 1 / 3, 1, DEFAULT),
    ("float 0.0001", "gpt-4", 0.0001, 1, DEFAULT),
    ("float 0.00012345", "gpt-4", 0.00012345, 1, DEFAULT),
    ("float 1.5e-07", "gpt-4", 1.5e-07, 1, DEFAULT),
    ("float 123456789.125", "gpt-4", 123456789.125, 1, DEFAULT),
    ("float 2.0", "gpt-4", 2.0, 1, DEFAULT),
    ("float 100.0", "gpt-4", 100.0, 1, DEFAULT),
    ("float 1e22", "gpt-4", 1e22, 1, DEFAULT),
    ("float 1.7976931348623157e308", "gpt-4", 1.7976931348623157e308, 1, DEFAULT),
    ("float 5e-324", "gpt-4", 5e-324, 1, DEFAULT),
    ("float 2.2250738585072014e-308", "gpt-4", 2.2250738585072014e-308, 1, DEFAULT),
    ("float 9007199254740993", "gpt-4", 9007199254740993.0, 1, DEFAULT),
    ("float 1234567890123456.7", "gpt-4", 1234567890123456.7, 1, DEFAULT),
    ("float 12345678901234567.0", "gpt-4", 12345678901234567.0, 1, DEFAULT),
    ("big max_tokens", "gpt-4", 0.7, 2147483647, DEFAULT),
    ("model with unicode", "mödel-ü", 0.7, 5, DEFAULT),
    ("system empty string", "gpt-4", 0.7, 5, ""),
]

rng = random.Random(1337)
alphabet = [chr(c) for c in range(0x20, 0x7f)] + list("\n\t\r\"\\/\x00\x1f\x7féüß€中文😀𝔘\u2028\ufeff")
for i in range(200):
    prompt = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 60)))
    system = DEFAULT if rng.random() < 0.3 else "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 20)))
    temperature = rng.choice([0.0, 0.1, 0.2, 0.3, 0.5, 0.7, 0.9, 1.0, 1.2, 2.0,
                              rng.random() * 2, rng.random() * 1e-6, rng.random() * 1e18, rng.uniform(0, 1e-3)])
    cases.append((prompt, rng.choice(["gpt-4", "gpt-4o-mini", "claude-3-5-sonnet", "llama3:8b"]), temperature,
                  rng.randint(0, 100000), system))

vectors = [vector(*case) for case in cases]

with open("python-key-vectors.json", "w", encoding="utf-8") as out:
    json.dump(vectors, out, ensure_ascii=True, indent=1)
print(f"{len(vectors)} vectors")
