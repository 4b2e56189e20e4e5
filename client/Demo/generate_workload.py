#!/usr/bin/env python3
"""Writes workload.jsonl: the demo's replayed traffic (deterministic; rerun to regenerate).

The article's three prompt types, each with its own system prompt, model and parameters, drawn with a
Zipf-like popularity so that some requests repeat often and many appear once, as real traffic does.
"""
import json
import random

rng = random.Random(20261126)

CONTENT_SYSTEM = "You are a marketing copywriter. Write clear, friendly copy for a B2B SaaS audience."
CODE_SYSTEM = "You are a senior code reviewer. Point out bugs, security issues and simplifications, most important first."
SUPPORT_SYSTEM = "You are the support assistant of Acme Cloud. Answer briefly and link to the docs when useful."

topics = ["zero-downtime deployments", "cutting cloud costs", "onboarding new engineers", "SOC 2 readiness",
          "observability for microservices", "feature flags", "incident post-mortems", "database migrations",
          "API rate limiting", "multi-region failover", "edge caching", "GDPR data retention",
          "CI pipeline speed", "on-call fatigue", "vector databases", "LLM cost control"]
styles = ["blog intro", "LinkedIn post", "product announcement", "newsletter blurb", "landing-page hero"]
lengths = [("short", 80), ("medium", 250), ("long", 600)]

snippets = [
    ("python", "def get_user(id):\n    return db.execute(f\"SELECT * FROM users WHERE id = {id}\")"),
    ("python", "def average(xs):\n    return sum(xs) / len(xs)"),
    ("python", "for i in range(len(items)):\n    if items[i] == target:\n        return i"),
    ("csharp", "public async void Save() { await _repo.SaveAsync(); }"),
    ("csharp", "var client = new HttpClient();\nvar body = client.GetStringAsync(url).Result;"),
    ("csharp", "lock (this) { _count++; }"),
    ("javascript", "app.get('/file', (req, res) => res.sendFile(req.query.path));"),
    ("javascript", "const total = prices.reduce((a, b) => a + b);"),
    ("go", "for _, v := range values {\n    go func() { process(v) }()\n}"),
    ("sql", "SELECT * FROM orders WHERE customer_id IN (SELECT id FROM customers WHERE country = 'DE');"),
    ("python", "import pickle\ndata = pickle.loads(request.body)"),
    ("csharp", "catch (Exception) { }"),
]
analyses = ["security", "performance", "readability"]

faq = ["How do I reset my password?", "Why was my card declined?", "How do I add a team member?",
       "What regions do you support?", "How do I export my data?", "Can I change my plan mid-month?",
       "Where do I find my API key?", "How do I enable two-factor authentication?", "What is your uptime SLA?",
       "How do I cancel my subscription?"]
follow_ups = ["Thanks. And how long does that take?", "Does that work on the mobile app too?",
              "What if I don't get the email?", "Is there an API for that?"]


def zipf_pick(items, s=1.1):
    weights = [1 / (rank + 1) ** s for rank in range(len(items))]
    return rng.choices(items, weights=weights, k=1)[0]


content_pool = [(t, s, l) for t in topics for s in styles for l in lengths]
rng.shuffle(content_pool)
code_pool = [(lang, code, a) for (lang, code) in snippets for a in analyses]
rng.shuffle(code_pool)
conversation_pool = [(q, f) for q in faq for f in [None] + follow_ups]
rng.shuffle(conversation_pool)

requests = []
for _ in range(320):
    kind = rng.choices(["content", "code", "conversation"], weights=[0.4, 0.25, 0.35])[0]
    if kind == "content":
        topic, style, (length, words) = zipf_pick(content_pool)
        requests.append({
            "type": "content", "namespace": "content", "model": "gpt-4", "system": CONTENT_SYSTEM,
            "temperature": 0.7, "max_tokens": words * 2,
            "messages": [{"role": "user", "content": f"Write a {length} {style} about {topic}."}],
        })
    elif kind == "code":
        lang, code, analysis = zipf_pick(code_pool)
        requests.append({
            "type": "code", "namespace": f"code:{lang}", "model": "claude-3-5-sonnet", "system": CODE_SYSTEM,
            "temperature": 0.0, "max_tokens": 800,
            "messages": [{"role": "user", "content": f"Do a {analysis} review of this {lang} code:\n```{lang}\n{code}\n```"}],
        })
    else:
        question, follow_up = zipf_pick(conversation_pool)
        messages = [{"role": "user", "content": question}]
        if follow_up:
            messages += [{"role": "assistant", "content": "(earlier answer)"}, {"role": "user", "content": follow_up}]
        requests.append({
            "type": "conversation", "namespace": "support", "model": "gpt-4", "system": SUPPORT_SYSTEM,
            "temperature": 0.2, "max_tokens": 300, "messages": messages,
        })

with open("workload.jsonl", "w", encoding="utf-8") as out:
    for request in requests:
        out.write(json.dumps(request, ensure_ascii=False) + "\n")
print(f"{len(requests)} requests, {len({json.dumps(r, sort_keys=True) for r in requests})} distinct")
