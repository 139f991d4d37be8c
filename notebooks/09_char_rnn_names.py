# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Generating names with a character-level RNN
#
# A recurrent network reads a name one character at a time and, after each one, predicts
# the next. Trained on a few hundred English first names, it learns which letters follow
# which; fed its own predictions back, one sampled character at a time, it then *invents*
# names.
#
# This notebook writes the model the way the course does for models that `fit` cannot train
# directly: Keras layers (`Embedding`, `LSTM`, `Dense`) are called on TF1 placeholders, the
# loss is written in TF1 ops, and the training loop is a hand-written `tf.train.AdamOptimizer`
# loop of `session.run` calls. The same layers, called again on other placeholders, build a
# second graph that runs the network one step at a time for sampling.

# %%
import matplotlib.pyplot as plt
import numpy as np
from IPython.display import display

import minitf as tf
from minitf.keras import backend as K
from minitf.keras import layers as L

# about 450 common English first names
NAMES = '''
Aaron Abel Abigail Ada Adam Adela Adele Adrian Agatha Agnes Aidan Alan Albert Alec
Alexander Alexandra Alexis Alfred Alice Alicia Alison Allan Alma Amanda Amber Amelia Amos
Amy Andrea Andrew Angela Angus Anita Ann Anna Annabel Anne Annette Anthony Antonia April
Archie Arnold Arthur Audrey August Austin Barbara Barnaby Barry Basil Beatrice Becky
Belinda Ben Benedict Benjamin Bernard Bernice Bertha Beryl Beth Betty Beverly Bianca Blake
Bonnie Boris Brad Brenda Brendan Brian Bridget Bruce Bruno Bryan Caleb Calvin Camilla
Candice Carl Carla Carmen Carol Caroline Carolyn Casey Cassandra Catherine Cecil Cecilia
Cedric Celia Charles Charlotte Chester Chloe Christian Christina Christopher Clara Clare
Clarence Claude Claudia Clement Clifford Colin Connor Constance Cora Cornelius Craig
Cynthia Daisy Dale Damian Daniel Daphne Darren David Dawn Dean Deborah Delia Denise Dennis
Derek Desmond Diana Diane Dominic Donald Donna Dora Doreen Doris Dorothy Douglas Duncan
Dylan Edgar Edith Edmund Edna Edward Edwin Eileen Elaine Eleanor Elena Eli Elias Elijah
Eliza Elizabeth Ella Ellen Elliot Eloise Elsie Emil Emily Emma Eric Erica Ernest Esther
Ethan Ethel Eugene Eva Evan Evelyn Ezra Faith Felicity Felix Fergus Fiona Flora Florence
Frances Francis Frank Freda Frederick Gabriel Gabriella Gail Gareth Gavin Gemma Geoffrey
George Georgia Gerald Geraldine Gertrude Gideon Gilbert Gillian Gina Gladys Glenn Gloria
Gordon Grace Graham Gregory Greta Gwen Hannah Harold Harriet Harry Harvey Hazel Heather
Hector Helen Henrietta Henry Herbert Hilda Holly Horace Howard Hugh Hugo Ian Ida Imogen
Ingrid Irene Iris Isaac Isabel Isabella Ivan Ivor Ivy Jack Jacob Jacqueline Jake James
Jane Janet Jasmine Jasper Jean Jeffrey Jennifer Jeremy Jessica Jill Joan Joanna Jocelyn
Joel John Jonathan Joseph Josephine Joshua Joy Joyce Judith Julia Julian Juliet June
Justin Karen Katherine Kathleen Keith Kenneth Kevin Kimberly Kirsty Laura Lauren Lawrence
Leah Leo Leon Leonard Leslie Lewis Lilian Lily Linda Lionel Lisa Lois Lorna Louis Louisa
Louise Lucas Lucy Luke Lydia Lynn Mabel Madeleine Maggie Malcolm Marcus Margaret Maria
Marian Marilyn Marion Mark Martha Martin Mary Matilda Matthew Maud Maureen Maurice Max
Maxine Megan Melanie Melissa Michael Michelle Miles Millie Miranda Miriam Molly Monica
Morgan Muriel Nadia Nancy Naomi Natalie Nathan Neil Nicholas Nicola Nigel Nina Noah Noel
Nora Norman Olive Oliver Olivia Oscar Owen Pamela Patricia Patrick Paul Paula Pauline
Pearl Peggy Penelope Percy Peter Philip Philippa Phoebe Phyllis Polly Priscilla Rachel
Ralph Raymond Rebecca Reginald Rhoda Richard Rita Robert Robin Roger Roland Ronald Rosa
Rosalind Rose Rosemary Rowena Roy Ruby Rudolph Rupert Russell Ruth Sabrina Sally Samantha
Samuel Sandra Sarah Scott Sebastian Selina Seth Sharon Sheila Shirley Sidney Silas Simon
Sophia Sophie Stanley Stella Stephanie Stephen Stuart Susan Sybil Sylvia Tabitha Teresa
Terence Thea Theodore Thomas Timothy Tobias Tom Trevor Ursula Valerie Vanessa Vera
Veronica Victor Victoria Vincent Violet Virginia Vivian Walter Wanda Warren Wendy Wilfred
William Winifred Yvonne Zachary Zoe
'''.split()
print(len(NAMES), 'names, e.g.', ', '.join(NAMES[::50]))
print('lengths from %d to %d' % (min(map(len, NAMES)), max(map(len, NAMES))))

# %% [markdown]
# ## Characters to numbers
#
# Each name is lower-cased and framed by a start token `^` and an end token `$`: the network
# starts from `^` and says when the name is over by producing `$`. Token 0, `_`, pads the
# shorter names of a batch to the length of the longest; the loss ignores it.

# %%
names = ['^' + name.lower() + '$' for name in NAMES]
tokens = ['_'] + sorted(set(''.join(names)))
token_to_id = {t: i for i, t in enumerate(tokens)}
n_tokens = len(tokens)
print(n_tokens, 'tokens:', ''.join(tokens))


def to_matrix(batch):
    """A batch of names as an int32 matrix (names x time), padded with 0."""
    matrix = np.zeros((len(batch), max(map(len, batch))), np.int32)
    for i, name in enumerate(batch):
        matrix[i, :len(name)] = [token_to_id[c] for c in name]
    return matrix


print(to_matrix(names[:3]))

# %% [markdown]
# ## The network, on placeholders
#
# `input_sequence` holds a batch of names. Each token becomes a learned 16-number vector
# (`Embedding`), an `LSTM` with 64 units reads the vectors in order, and a `Dense` layer maps
# its output at each step to one score (logit) per token: the prediction of the next one.
#
# Keras layers are objects: called once, they make their weights; called again, they reuse
# them. Here they are called on a TF1 placeholder, and what comes back is an ordinary minitf
# tensor. The LSTM's `tf.while_loop` runs over however many steps the batch has.

# %%
K.clear_session()
tf.set_random_seed(0)
s = tf.InteractiveSession()
K.set_session(s)

embedding = L.Embedding(n_tokens, 16)
lstm = L.LSTM(64, return_sequences=True, return_state=True)
to_logits = L.Dense(n_tokens)

input_sequence = tf.placeholder(tf.int32, (None, None), name='input_sequence')
outputs, _, _ = lstm(embedding(input_sequence[:, :-1]))  # reads all but the last token
logits = to_logits(outputs)                              # (batch, time - 1, n_tokens)
print('logits:', logits)
print('weights:', [w.name for w in embedding.weights + lstm.weights + to_logits.weights])

# %% [markdown]
# ## The loss and the training loop
#
# The target at each step is the next token: the input shifted by one. The loss is the
# cross-entropy of the predicted distribution, averaged over the real (not padding)
# positions: the average number of nats the model needs per character. A model that knew
# nothing would need $\ln 30 \approx 3.4$.
#
# `tf.train.AdamOptimizer(...).minimize(loss)` adds the update of every trainable variable,
# the Keras layers' weights included. Each step feeds 32 random names.

# %%
targets = input_sequence[:, 1:]
mask = tf.cast(tf.not_equal(targets, 0), tf.float32)
cross_entropy = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=targets, logits=logits)
loss = tf.reduce_sum(cross_entropy * mask) / tf.reduce_sum(mask)
train_step = tf.train.AdamOptimizer(1e-2).minimize(loss)
s.run(tf.global_variables_initializer())

rng = np.random.default_rng(0)
history = []
fig, ax = plt.subplots(figsize=(7, 3))
handle = display(fig, display_id=True)
plt.close(fig)
for step in range(600):
    batch = to_matrix([names[i] for i in rng.integers(0, len(names), 32)])
    loss_value, _ = s.run([loss, train_step], {input_sequence: batch})
    history.append(loss_value)
    if (step + 1) % 100 == 0:
        ax.clear()
        ax.plot(history, alpha=0.4, label='batch')
        ax.plot(np.convolve(history, np.ones(20) / 20, mode='valid'), label='mean of 20')
        ax.set_xlabel('step')
        ax.set_ylabel('nats per character')
        ax.grid(alpha=0.3)
        ax.legend()
        if handle is not None:
            handle.update(fig)
print('loss per character: first 20 steps %.3f, last 20 steps %.3f'
      % (np.mean(history[:20]), np.mean(history[-20:])))

# %% [markdown]
# ## Sampling, one character at a time
#
# To generate, we run the network one step at a time and carry its state (the LSTM's `h`
# and `c`) from step to step. The same three layer objects, called on new placeholders,
# build that one-step graph with the *same* weights: `initial_state` feeds the carried
# state in, `return_state=True` hands the new one out.
#
# The next character is drawn from the softmax of the logits divided by a *temperature*
# $T$: $p_i \propto e^{z_i / T}$. A low temperature sharpens the distribution (safe,
# common names, often ones it has seen), a high one flattens it (more inventive, then
# gibberish).

# %%
token_now = tf.placeholder(tf.int32, (None, 1), name='token_now')
h_before = tf.placeholder(tf.float32, (None, 64), name='h_before')
c_before = tf.placeholder(tf.float32, (None, 64), name='c_before')
temperature = tf.placeholder_with_default(1.0, (), name='temperature')
step_output, h_after, c_after = lstm(embedding(token_now), initial_state=[h_before, c_before])
next_probabilities = tf.nn.softmax(to_logits(step_output)[:, 0] / temperature)


def generate(n, t, max_length=16, seed=0):
    """n names sampled at temperature t, all at once (one batch row per name)."""
    rng = np.random.default_rng(seed)
    token = np.full((n, 1), token_to_id['^'], np.int32)
    h, c = np.zeros((n, 64), np.float32), np.zeros((n, 64), np.float32)
    text = [''] * n
    done = np.zeros(n, bool)
    for _ in range(max_length):
        p, h, c = s.run([next_probabilities, h_after, c_after],
                        {token_now: token, h_before: h, c_before: c, temperature: t})
        p = p.astype(np.float64)
        chosen = [rng.choice(n_tokens, p=row / row.sum()) for row in p]
        for i, k in enumerate(chosen):
            if not done[i]:
                done[i] = tokens[k] == '$'
                text[i] += '' if done[i] else tokens[k]
        token = np.array(chosen, np.int32)[:, None]
    return [name.capitalize() for name in text]


known = set(NAMES)
for t in (0.3, 0.7, 1.0, 1.5):
    sample = generate(12, t, seed=1)
    new = [name for name in sample if name not in known]
    print('T=%.1f (%2d of 12 not in the training names): %s' % (t, len(new), ' '.join(sample)))

# %% [markdown]
# ## Checking the one-step graph
#
# The step-by-step graph must compute what the training graph computes: fed the same name
# character by character, it gives the same probabilities as the full-sequence graph.

# %%
name = to_matrix(['^margaret$'])
full = s.run(tf.nn.softmax(logits), {input_sequence: name})[0]
h, c = np.zeros((1, 64), np.float32), np.zeros((1, 64), np.float32)
stepwise = []
for k in range(name.shape[1] - 1):
    p, h, c = s.run([next_probabilities, h_after, c_after],
                    {token_now: name[:, k:k + 1], h_before: h, c_before: c})
    stepwise.append(p[0])
print('largest difference, one-step vs whole-sequence probabilities: %.2e'
      % np.abs(np.array(stepwise) - full).max())
print('after "^marg", the likeliest next characters:',
      ', '.join('%s %.2f' % (tokens[k], full[4, k]) for k in np.argsort(-full[4])[:3]))
