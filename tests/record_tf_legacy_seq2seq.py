"""Records tests/legacy_seq2seq_programs.py in TensorFlow for tests/test_legacy_seq2seq.py.

TF 2 dropped tf.contrib (legacy_seq2seq and core_rnn_cell's EmbeddingWrapper,
OutputProjectionWrapper and _linear), and TF 1.15 does not install on this Python, so this
script re-creates those TF 1.15 definitions step for step on TF 2.15's compat.v1 (whose
rnn_cell cells, static_rnn, variable scopes, conv2d, cond and gradients are TF's own), in a
throwaway venv (never a minitf dependency):

    pip install tensorflow-cpu==2.15.1
    TF_CPP_MIN_LOG_LEVEL=3 python tests/record_tf_legacy_seq2seq.py \
        > tests/fixtures/tf_legacy_seq2seq.json
"""

import copy
import json
import math
import os
import sys
import types

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != HERE] + [HERE]
from legacy_seq2seq_programs import run_all  # noqa: E402
from recording import short  # noqa: E402


def tf115_legacy_seq2seq(tf):
    """TF 1.15's contrib.legacy_seq2seq (and the core_rnn_cell pieces it uses) on `tf`."""
    nest = tf.nest
    vs = tf.variable_scope

    def linear(args, output_size, bias):
        if not isinstance(args, (list, tuple)):
            args = [args]
        total = sum(a.shape.as_list()[1] for a in args)
        dtype = args[0].dtype
        kernel = tf.get_variable("kernel", [total, output_size], dtype=dtype)
        res = tf.matmul(args[0] if len(args) == 1 else tf.concat(args, 1), kernel)
        if not bias:
            return res
        with vs(tf.get_variable_scope()) as outer:
            outer.set_partitioner(None)
            b = tf.get_variable("bias", [output_size], dtype=dtype,
                                initializer=tf.constant_initializer(0.0))
        return tf.nn.bias_add(res, b)

    class EmbeddingWrapper(tf.nn.rnn_cell.RNNCell):
        def __init__(self, cell, embedding_classes, embedding_size, initializer=None):
            super().__init__()
            self._cell, self._classes, self._size = cell, embedding_classes, embedding_size
            self._initializer = initializer

        state_size = property(lambda self: self._cell.state_size)
        output_size = property(lambda self: self._cell.output_size)

        def zero_state(self, batch_size, dtype):
            with tf.name_scope(type(self).__name__ + "ZeroState", values=[batch_size]):
                return self._cell.zero_state(batch_size, dtype)

        def call(self, inputs, state):
            initializer = self._initializer or tf.get_variable_scope().initializer or \
                tf.random_uniform_initializer(-math.sqrt(3), math.sqrt(3))
            dtype = state[0].dtype if type(state) is tuple else state.dtype
            embedding = tf.get_variable("embedding", [self._classes, self._size],
                                        initializer=initializer, dtype=dtype)
            embedded = tf.nn.embedding_lookup(embedding, tf.reshape(inputs, [-1]))
            return self._cell(embedded, state)

    class OutputProjectionWrapper(tf.nn.rnn_cell.RNNCell):
        def __init__(self, cell, output_size, activation=None):
            super().__init__()
            self._cell, self._output_size, self._activation = cell, output_size, activation

        state_size = property(lambda self: self._cell.state_size)
        output_size = property(lambda self: self._output_size)

        def zero_state(self, batch_size, dtype):
            with tf.name_scope(type(self).__name__ + "ZeroState", values=[batch_size]):
                return self._cell.zero_state(batch_size, dtype)

        def call(self, inputs, state):
            output, res_state = self._cell(inputs, state)
            projected = linear(output, self._output_size, True)
            return (self._activation(projected) if self._activation else projected), res_state

    def argmax_and_embed(embedding, output_projection=None, update_embedding=True):
        def loop_function(prev, _):
            if output_projection is not None:
                prev = tf.nn.xw_plus_b(prev, output_projection[0], output_projection[1])
            emb = tf.nn.embedding_lookup(embedding, tf.argmax(prev, 1))
            return emb if update_embedding else tf.stop_gradient(emb)
        return loop_function

    def rnn_decoder(decoder_inputs, initial_state, cell, loop_function=None, scope=None):
        with vs(scope or "rnn_decoder"):
            state, outputs, prev = initial_state, [], None
            for i, inp in enumerate(decoder_inputs):
                if loop_function is not None and prev is not None:
                    with vs("loop_function", reuse=True):
                        inp = loop_function(prev, i)
                if i > 0:
                    tf.get_variable_scope().reuse_variables()
                output, state = cell(inp, state)
                outputs.append(output)
                if loop_function is not None:
                    prev = output
        return outputs, state

    def basic_rnn_seq2seq(encoder_inputs, decoder_inputs, cell, dtype=tf.float32, scope=None):
        with vs(scope or "basic_rnn_seq2seq"):
            _, enc_state = tf.nn.static_rnn(copy.deepcopy(cell), encoder_inputs, dtype=dtype)
            return rnn_decoder(decoder_inputs, enc_state, cell)

    def tied_rnn_seq2seq(encoder_inputs, decoder_inputs, cell, loop_function=None,
                         dtype=tf.float32, scope=None):
        with vs("combined_tied_rnn_seq2seq"):
            scope = scope or "tied_rnn_seq2seq"
            _, enc_state = tf.nn.static_rnn(cell, encoder_inputs, dtype=dtype, scope=scope)
            tf.get_variable_scope().reuse_variables()
            return rnn_decoder(decoder_inputs, enc_state, cell, loop_function=loop_function,
                               scope=scope)

    def check_projection(output_projection, num_symbols, dtype, weights=True):
        if output_projection is None:
            return
        if weights:
            tf.convert_to_tensor(output_projection[0], dtype=dtype).get_shape() \
                .assert_is_compatible_with([None, num_symbols])
        tf.convert_to_tensor(output_projection[1], dtype=dtype).get_shape() \
            .assert_is_compatible_with([num_symbols])

    def embedding_rnn_decoder(decoder_inputs, initial_state, cell, num_symbols, embedding_size,
                              output_projection=None, feed_previous=False,
                              update_embedding_for_previous=True, scope=None):
        with vs(scope or "embedding_rnn_decoder") as scope:
            check_projection(output_projection, num_symbols, scope.dtype)
            embedding = tf.get_variable("embedding", [num_symbols, embedding_size])
            loop_function = argmax_and_embed(embedding, output_projection,
                                             update_embedding_for_previous) \
                if feed_previous else None
            emb_inp = (tf.nn.embedding_lookup(embedding, i) for i in decoder_inputs)
            return rnn_decoder(emb_inp, initial_state, cell, loop_function=loop_function)

    def both_ways(feed_previous, decoder, outputs_len, structure):
        def branch(feed):
            with vs(tf.get_variable_scope(), reuse=None if feed else True):
                outputs, state = decoder(feed)
                return outputs + nest.flatten(state)
        outputs_and_state = tf.cond(feed_previous, lambda: branch(True), lambda: branch(False))
        state_list = outputs_and_state[outputs_len:]
        state = state_list[0]
        if nest.is_nested(structure):
            state = nest.pack_sequence_as(structure, state_list)
        return outputs_and_state[:outputs_len], state

    def embedding_rnn_seq2seq(encoder_inputs, decoder_inputs, cell, num_encoder_symbols,
                              num_decoder_symbols, embedding_size, output_projection=None,
                              feed_previous=False, dtype=None, scope=None):
        with vs(scope or "embedding_rnn_seq2seq") as scope:
            if dtype is not None:
                scope.set_dtype(dtype)
            else:
                dtype = scope.dtype
            encoder_cell = EmbeddingWrapper(copy.deepcopy(cell), num_encoder_symbols,
                                            embedding_size)
            _, encoder_state = tf.nn.static_rnn(encoder_cell, encoder_inputs, dtype=dtype)
            if output_projection is None:
                cell = OutputProjectionWrapper(cell, num_decoder_symbols)

            def decoder(feed, update=True):
                return embedding_rnn_decoder(decoder_inputs, encoder_state, cell,
                                             num_decoder_symbols, embedding_size,
                                             output_projection=output_projection,
                                             feed_previous=feed,
                                             update_embedding_for_previous=update)
            if isinstance(feed_previous, bool):
                return decoder(feed_previous)
            return both_ways(feed_previous, lambda f: decoder(f, False), len(decoder_inputs),
                             encoder_state)

    def embedding_tied_rnn_seq2seq(encoder_inputs, decoder_inputs, cell, num_symbols,
                                   embedding_size, num_decoder_symbols=None,
                                   output_projection=None, feed_previous=False, dtype=None,
                                   scope=None):
        with vs(scope or "embedding_tied_rnn_seq2seq", dtype=dtype) as scope:
            dtype = scope.dtype
            check_projection(output_projection, num_symbols, dtype)
            embedding = tf.get_variable("embedding", [num_symbols, embedding_size], dtype=dtype)
            emb_enc = [tf.nn.embedding_lookup(embedding, x) for x in encoder_inputs]
            emb_dec = [tf.nn.embedding_lookup(embedding, x) for x in decoder_inputs]
            output_symbols = num_symbols if num_decoder_symbols is None else num_decoder_symbols
            if output_projection is None:
                cell = OutputProjectionWrapper(cell, output_symbols)

            def decoder(feed, update=True):
                loop = argmax_and_embed(embedding, output_projection, update) if feed else None
                return tied_rnn_seq2seq(emb_enc, emb_dec, cell, loop_function=loop, dtype=dtype)
            if isinstance(feed_previous, bool):
                return decoder(feed_previous)
            batch_size = encoder_inputs[0].get_shape()[0]
            for inp in encoder_inputs[1:]:
                batch_size.merge_with(inp.get_shape()[0])
            batch_size = batch_size.value
            if batch_size is None:
                batch_size = tf.shape(encoder_inputs[0])[0]
            return both_ways(feed_previous, lambda f: decoder(f, False), len(decoder_inputs),
                             cell.zero_state(batch_size, dtype))

    def attention_decoder(decoder_inputs, initial_state, attention_states, cell,
                          output_size=None, num_heads=1, loop_function=None, dtype=None,
                          scope=None, initial_state_attention=False):
        if not decoder_inputs:
            raise ValueError("Must provide at least 1 input to attention decoder.")
        if num_heads < 1:
            raise ValueError("With less than 1 heads, use a non-attention decoder.")
        if attention_states.get_shape()[2].value is None:
            raise ValueError("Shape[2] of attention_states must be known: %s"
                             % attention_states.get_shape())
        if output_size is None:
            output_size = cell.output_size
        with vs(scope or "attention_decoder", dtype=dtype) as scope:
            dtype = scope.dtype
            batch_size = tf.shape(decoder_inputs[0])[0]
            attn_length = attention_states.get_shape()[1].value
            if attn_length is None:
                attn_length = tf.shape(attention_states)[1]
            attn_size = attention_states.get_shape()[2].value
            hidden = tf.reshape(attention_states, [-1, attn_length, 1, attn_size])
            hidden_features, v = [], []
            for a in range(num_heads):
                k = tf.get_variable("AttnW_%d" % a, [1, 1, attn_size, attn_size])
                hidden_features.append(tf.nn.conv2d(hidden, k, [1, 1, 1, 1], "SAME"))
                v.append(tf.get_variable("AttnV_%d" % a, [attn_size]))

            def attention(query):
                ds = []
                if nest.is_nested(query):
                    query = tf.concat(nest.flatten(query), 1)
                for a in range(num_heads):
                    with vs("Attention_%d" % a):
                        y = tf.reshape(linear(query, attn_size, True), [-1, 1, 1, attn_size])
                        s = tf.reduce_sum(v[a] * tf.tanh(hidden_features[a] + y), [2, 3])
                        w = tf.reshape(tf.nn.softmax(s), [-1, attn_length, 1, 1])
                        ds.append(tf.reshape(tf.reduce_sum(w * hidden, [1, 2]), [-1, attn_size]))
                return ds

            outputs, prev = [], None
            attns = [tf.zeros(tf.stack([batch_size, attn_size]), dtype=dtype)
                     for _ in range(num_heads)]
            for a in attns:
                a.set_shape([None, attn_size])
            state = initial_state
            if initial_state_attention:
                attns = attention(initial_state)
            for i, inp in enumerate(decoder_inputs):
                if i > 0:
                    tf.get_variable_scope().reuse_variables()
                if loop_function is not None and prev is not None:
                    with vs("loop_function", reuse=True):
                        inp = loop_function(prev, i)
                input_size = inp.get_shape().with_rank(2)[1]
                x = linear([inp] + attns, input_size, True)
                cell_output, state = cell(x, state)
                if i == 0 and initial_state_attention:
                    with vs(tf.get_variable_scope(), reuse=True):
                        attns = attention(state)
                else:
                    attns = attention(state)
                with vs("AttnOutputProjection"):
                    output = linear([cell_output] + attns, output_size, True)
                if loop_function is not None:
                    prev = output
                outputs.append(output)
        return outputs, state

    def embedding_attention_decoder(decoder_inputs, initial_state, attention_states, cell,
                                    num_symbols, embedding_size, num_heads=1, output_size=None,
                                    output_projection=None, feed_previous=False,
                                    update_embedding_for_previous=True, dtype=None, scope=None,
                                    initial_state_attention=False):
        if output_size is None:
            output_size = cell.output_size
        check_projection(output_projection, num_symbols, dtype, weights=False)
        with vs(scope or "embedding_attention_decoder", dtype=dtype):
            embedding = tf.get_variable("embedding", [num_symbols, embedding_size])
            loop = argmax_and_embed(embedding, output_projection,
                                    update_embedding_for_previous) if feed_previous else None
            emb_inp = [tf.nn.embedding_lookup(embedding, i) for i in decoder_inputs]
            return attention_decoder(emb_inp, initial_state, attention_states, cell,
                                     output_size=output_size, num_heads=num_heads,
                                     loop_function=loop,
                                     initial_state_attention=initial_state_attention)

    def embedding_attention_seq2seq(encoder_inputs, decoder_inputs, cell, num_encoder_symbols,
                                    num_decoder_symbols, embedding_size, encoder_cell=None,
                                    num_heads=1, output_projection=None, feed_previous=False,
                                    dtype=None, scope=None, initial_state_attention=False):
        with vs(scope or "embedding_attention_seq2seq", dtype=dtype) as scope:
            dtype = scope.dtype
            if encoder_cell is None:
                encoder_cell = copy.deepcopy(cell)
            encoder_cell = EmbeddingWrapper(encoder_cell, num_encoder_symbols, embedding_size)
            encoder_outputs, encoder_state = tf.nn.static_rnn(encoder_cell, encoder_inputs,
                                                              dtype=dtype)
            attention_states = tf.concat([tf.reshape(e, [-1, 1, cell.output_size])
                                          for e in encoder_outputs], 1)
            output_size = None
            if output_projection is None:
                cell = OutputProjectionWrapper(cell, num_decoder_symbols)
                output_size = num_decoder_symbols

            def decoder(feed, update=True):
                return embedding_attention_decoder(
                    decoder_inputs, encoder_state, attention_states, cell, num_decoder_symbols,
                    embedding_size, num_heads=num_heads, output_size=output_size,
                    output_projection=output_projection, feed_previous=feed,
                    update_embedding_for_previous=update,
                    initial_state_attention=initial_state_attention)
            if isinstance(feed_previous, bool):
                return decoder(feed_previous)
            return both_ways(feed_previous, lambda f: decoder(f, False), len(decoder_inputs),
                             encoder_state)

    def one2many_rnn_seq2seq(encoder_inputs, decoder_inputs_dict, enc_cell, dec_cells_dict,
                             num_encoder_symbols, num_decoder_symbols_dict, embedding_size,
                             feed_previous=False, dtype=None, scope=None):
        if not isinstance(enc_cell, tf.nn.rnn_cell.RNNCell):
            raise TypeError("enc_cell is not an RNNCell: %s" % type(enc_cell))
        if set(dec_cells_dict) != set(decoder_inputs_dict):
            raise ValueError("keys of dec_cells_dict != keys of decodre_inputs_dict")
        for dec_cell in dec_cells_dict.values():
            if not isinstance(dec_cell, tf.nn.rnn_cell.RNNCell):
                raise TypeError("dec_cell is not an RNNCell: %s" % type(dec_cell))
        outputs_dict, state_dict = {}, {}
        with vs(scope or "one2many_rnn_seq2seq", dtype=dtype) as scope:
            dtype = scope.dtype
            enc_cell = EmbeddingWrapper(enc_cell, num_encoder_symbols, embedding_size)
            _, encoder_state = tf.nn.static_rnn(enc_cell, encoder_inputs, dtype=dtype)
            for name, decoder_inputs in decoder_inputs_dict.items():
                num_decoder_symbols = num_decoder_symbols_dict[name]
                with vs("one2many_decoder_" + str(name)):
                    dec_cell = OutputProjectionWrapper(dec_cells_dict[name], num_decoder_symbols)

                    def decoder(feed, decoder_inputs=decoder_inputs, dec_cell=dec_cell,
                                num_decoder_symbols=num_decoder_symbols):
                        return embedding_rnn_decoder(
                            decoder_inputs, encoder_state, dec_cell, num_decoder_symbols,
                            embedding_size, feed_previous=feed)
                    if isinstance(feed_previous, bool):
                        outputs, state = decoder(feed_previous)
                    else:
                        outputs, state = both_ways(feed_previous, decoder, len(decoder_inputs),
                                                   encoder_state)
                outputs_dict[name] = outputs
                state_dict[name] = state
        return outputs_dict, state_dict

    def sequence_loss_by_example(logits, targets, weights, average_across_timesteps=True,
                                 softmax_loss_function=None, name=None):
        if len(targets) != len(logits) or len(weights) != len(logits):
            raise ValueError("Lengths of logits, weights, and targets must be the same "
                             "%d, %d, %d." % (len(logits), len(weights), len(targets)))
        with tf.name_scope(name, "sequence_loss_by_example", logits + targets + weights):
            log_perp_list = []
            for logit, target, weight in zip(logits, targets, weights):
                if softmax_loss_function is None:
                    crossent = tf.nn.sparse_softmax_cross_entropy_with_logits(
                        labels=tf.reshape(target, [-1]), logits=logit)
                else:
                    crossent = softmax_loss_function(labels=target, logits=logit)
                log_perp_list.append(crossent * weight)
            log_perps = tf.add_n(log_perp_list)
            if average_across_timesteps:
                total_size = tf.add_n(weights)
                total_size += 1e-12
                log_perps /= total_size
        return log_perps

    def sequence_loss(logits, targets, weights, average_across_timesteps=True,
                      average_across_batch=True, softmax_loss_function=None, name=None):
        with tf.name_scope(name, "sequence_loss", logits + targets + weights):
            cost = tf.reduce_sum(sequence_loss_by_example(
                logits, targets, weights, average_across_timesteps=average_across_timesteps,
                softmax_loss_function=softmax_loss_function))
            if average_across_batch:
                return cost / tf.cast(tf.shape(targets[0])[0], cost.dtype)
            return cost

    def model_with_buckets(encoder_inputs, decoder_inputs, targets, weights, buckets, seq2seq,
                           softmax_loss_function=None, per_example_loss=False, name=None):
        if len(encoder_inputs) < buckets[-1][0]:
            raise ValueError("Length of encoder_inputs (%d) must be at least that of la"
                             "st bucket (%d)." % (len(encoder_inputs), buckets[-1][0]))
        if len(targets) < buckets[-1][1]:
            raise ValueError("Length of targets (%d) must be at least that of last"
                             "bucket (%d)." % (len(targets), buckets[-1][1]))
        if len(weights) < buckets[-1][1]:
            raise ValueError("Length of weights (%d) must be at least that of last"
                             "bucket (%d)." % (len(weights), buckets[-1][1]))
        losses, outputs = [], []
        with tf.name_scope(name, "model_with_buckets",
                           encoder_inputs + decoder_inputs + targets + weights):
            for j, bucket in enumerate(buckets):
                with vs(tf.get_variable_scope(), reuse=True if j > 0 else None):
                    bucket_outputs, _ = seq2seq(encoder_inputs[:bucket[0]],
                                                decoder_inputs[:bucket[1]])
                    outputs.append(bucket_outputs)
                    loss = sequence_loss_by_example if per_example_loss else sequence_loss
                    losses.append(loss(outputs[-1], targets[:bucket[1]], weights[:bucket[1]],
                                       softmax_loss_function=softmax_loss_function))
        return outputs, losses

    return types.SimpleNamespace(**{k: v for k, v in locals().items() if callable(v)})


if __name__ == "__main__":
    import tensorflow.compat.v1 as tf
    tf.disable_v2_behavior()
    print(json.dumps(short(run_all(tf, tf115_legacy_seq2seq(tf))), sort_keys=True))
