"""The reader: a cross-encoder trained here that reads a question against a candidate sentence.

`inputs` builds what it reads, `network` is the model, `reader` scores candidates at question
time, `examples` and `training` make it from the training questions (`qa train-reader`), and
`card` writes and checks the model card shipped beside the weights.
"""
