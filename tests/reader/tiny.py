"""A tiny reader network for plumbing tests: random weights, the real tokenizer (no quality claims)."""

import torch
from transformers import BertConfig, BertModel

from qa.reader.network import ReaderNetwork, load_tokenizer


def tiny_network(layers: int | None = 2) -> ReaderNetwork:
    torch.manual_seed(0)
    config = BertConfig(vocab_size=load_tokenizer().vocab_size, hidden_size=32, num_hidden_layers=layers or 2,
                        num_attention_heads=2, intermediate_size=64, max_position_embeddings=256)
    return ReaderNetwork(BertModel(config, add_pooling_layer=False))
