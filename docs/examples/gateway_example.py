"""The LLM cache gateway from Python, with the standard library only.

One chat completion through the OpenAI-compatible API, asked twice (the second is a hit), then the plain cache API:
an entry put under the article's 64-hex create_cache_key, read back, and invalidated by its tag.

    LLMCACHE_BASE_URL=http://127.0.0.1:8080/v1 LLMCACHE_API_KEY=sk-llmcache-... python3 docs/examples/gateway_example.py
"""
import hashlib
import json
import os
import urllib.error
import urllib.request

BASE_URL = os.environ.get("LLMCACHE_BASE_URL", "http://127.0.0.1:8080/v1").rstrip("/")
API_KEY = os.environ.get("LLMCACHE_API_KEY", "")  # a gateway key; none in the loopback development mode
QUESTION = os.environ.get("LLMCACHE_QUESTION", "What is Orleans?")


def call(method, path, body=None, headers=None):
    """Sends one request to the gateway; returns (status, response headers, JSON body)."""
    request = urllib.request.Request(f"{BASE_URL}/{path}", method=method,
                                     data=None if body is None else json.dumps(body).encode())
    request.add_header("Content-Type", "application/json")
    if API_KEY:
        request.add_header("Authorization", f"Bearer {API_KEY}")
    for name, value in (headers or {}).items():
        request.add_header(name, value)
    try:
        with urllib.request.urlopen(request) as response:
            return response.status, response.headers, json.load(response)
    except urllib.error.HTTPError as error:  # 4xx and 5xx: the body is OpenAI's error shape
        return error.code, error.headers, json.load(error)


def create_cache_key(prompt, model, temperature, max_tokens, system_prompt=""):
    """The article's key: SHA-256 of the request's fields as sorted JSON."""
    key_data = {"prompt": prompt, "model": model, "temperature": temperature, "max_tokens": max_tokens,
                "system_prompt": system_prompt}
    return hashlib.sha256(json.dumps(key_data, sort_keys=True).encode()).hexdigest()


# The OpenAI-compatible API: the same question twice; the second answer comes from the cache.
completion = {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": QUESTION}]}
for attempt in ("first", "second"):
    status, headers, answer = call("POST", "chat/completions", completion, {"x-llmcache-tags": "faq"})
    print(f"chat {attempt}: {status} {headers['x-llmcache-status']} {answer['choices'][0]['message']['content']}")

# The plain cache API: set, get and invalidate, under the key the article's create_cache_key computes.
key = create_cache_key("Explain quantum computing", "gpt-4", 0.7, 500)
status, _, entry = call("PUT", f"cache/entries/{key}",
                        {"response": "Qubits hold superpositions.", "model": "gpt-4", "ttlSeconds": 3600, "tags": ["physics"]})
print(f"put: {status} {entry['key']}")
status, _, entry = call("GET", f"cache/entries/{key}")
print(f"get: {status} {entry['response']}")
status, _, reached = call("POST", "cache/invalidate", {"tag": "physics"})
print(f"invalidate: {status} entries reached {reached['entriesReached']}, complete {reached['complete']}")
status, _, error = call("GET", f"cache/entries/{key}")
print(f"get after invalidate: {status} {error['error']['message']}")
