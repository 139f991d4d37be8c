"""``keras.preprocessing.text``: `Tokenizer`, `text_to_word_sequence`, `one_hot`,
`hashing_trick`."""

import hashlib
import collections

import numpy as np

DEFAULT_FILTERS = '!"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n'


def text_to_word_sequence(input_text, filters=DEFAULT_FILTERS, lower=True, split=' '):
    """The words of `input_text`: lower-cased (`lower`), every character of `filters` turned
    into `split`, split on `split`, empty pieces dropped."""
    if lower:
        input_text = input_text.lower()
    input_text = input_text.translate(str.maketrans({c: split for c in filters}))
    return [w for w in input_text.split(split) if w]


def hashing_trick(text, n, hash_function=None, filters=DEFAULT_FILTERS, lower=True, split=' ',
                  analyzer=None):
    """Each word of `text` hashed to an index in ``1..n-1`` (0 is kept for padding).
    `hash_function` None is Python's `hash` (which changes between runs unless PYTHONHASHSEED
    is set, as in Keras); 'md5' is stable."""
    if hash_function is None:
        hash_function = hash
    elif hash_function == 'md5':
        def hash_function(w):
            return int(hashlib.md5(w.encode(), usedforsecurity=False).hexdigest(), 16)
    seq = analyzer(text) if analyzer is not None else text_to_word_sequence(
        text, filters=filters, lower=lower, split=split)
    return [hash_function(w) % (n - 1) + 1 for w in seq]


def one_hot(input_text, n, filters=DEFAULT_FILTERS, lower=True, split=' ', analyzer=None):
    """`hashing_trick` with Python's `hash` (Keras's `one_hot`: word indices, not vectors)."""
    return hashing_trick(input_text, n, hash_function=hash, filters=filters, lower=lower,
                         split=split, analyzer=analyzer)


class Tokenizer:
    """Turns texts into sequences of word indices (1 = most frequent word) or into matrices,
    as ``keras.preprocessing.text.Tokenizer``: ``fit_on_texts`` counts words;
    ``texts_to_sequences`` / ``sequences_to_texts`` / ``texts_to_matrix`` /
    ``sequences_to_matrix`` (modes 'binary', 'count', 'freq', 'tfidf') use the counts. Only the
    ``num_words - 1`` most frequent words are kept when converting (all are counted);
    `oov_token` (index 1 when given) replaces the others."""

    def __init__(self, num_words=None, filters=DEFAULT_FILTERS, lower=True, split=' ',
                 char_level=False, oov_token=None, analyzer=None, document_count=0, **kwargs):
        if 'nb_words' in kwargs:
            num_words = kwargs.pop('nb_words')
        if kwargs:
            raise TypeError('Unrecognized keyword arguments: ' + str(sorted(kwargs)))
        self.word_counts = collections.OrderedDict()
        self.word_docs = collections.defaultdict(int)
        self.filters = filters
        self.split = split
        self.lower = lower
        self.num_words = num_words
        self.document_count = document_count
        self.char_level = char_level
        self.oov_token = oov_token
        self.index_docs = collections.defaultdict(int)
        self.word_index = {}
        self.index_word = {}
        self.analyzer = analyzer

    def _words(self, text):
        if self.char_level or isinstance(text, list):
            if self.lower:
                text = [t.lower() for t in text] if isinstance(text, list) else text.lower()
            return text
        if self.analyzer is not None:
            return self.analyzer(text)
        return text_to_word_sequence(text, filters=self.filters, lower=self.lower,
                                     split=self.split)

    def fit_on_texts(self, texts):
        """Counts the words of `texts` (strings, or lists of words) and rebuilds `word_index`:
        words by descending count, ties in order of first appearance."""
        for text in texts:
            self.document_count += 1
            seq = self._words(text)
            for w in seq:
                self.word_counts[w] = self.word_counts.get(w, 0) + 1
            for w in set(seq):
                self.word_docs[w] += 1
        counts = sorted(self.word_counts.items(), key=lambda wc: wc[1], reverse=True)
        vocab = ([] if self.oov_token is None else [self.oov_token]) + [w for w, _ in counts]
        self.word_index = {w: i for i, w in enumerate(vocab, start=1)}
        self.index_word = {i: w for w, i in self.word_index.items()}
        for w, c in list(self.word_docs.items()):
            self.index_docs[self.word_index[w]] = c

    def fit_on_sequences(self, sequences):
        """Counts in how many sequences each index appears (what 'tfidf' needs)."""
        self.document_count += len(sequences)
        for seq in sequences:
            for i in set(seq):
                self.index_docs[i] += 1

    def texts_to_sequences_generator(self, texts):
        oov = self.word_index.get(self.oov_token)
        for text in texts:
            vect = []
            for w in self._words(text):
                i = self.word_index.get(w)
                if i is not None and not (self.num_words and i >= self.num_words):
                    vect.append(i)
                elif oov is not None:
                    vect.append(oov)
            yield vect

    def texts_to_sequences(self, texts):
        """Each text as a list of word indices (unknown or rare words dropped, or `oov_token`)."""
        return list(self.texts_to_sequences_generator(texts))

    def sequences_to_texts_generator(self, sequences):
        oov = self.word_index.get(self.oov_token)
        for seq in sequences:
            words = []
            for i in seq:
                w = self.index_word.get(i)
                if w is not None and not (self.num_words and i >= self.num_words):
                    words.append(w)
                elif oov is not None:
                    words.append(self.index_word[oov])
            yield ' '.join(words)

    def sequences_to_texts(self, sequences):
        """The inverse of `texts_to_sequences` (words joined by spaces)."""
        return list(self.sequences_to_texts_generator(sequences))

    def texts_to_matrix(self, texts, mode='binary'):
        """``sequences_to_matrix(texts_to_sequences(texts), mode)``."""
        return self.sequences_to_matrix(self.texts_to_sequences(texts), mode=mode)

    def sequences_to_matrix(self, sequences, mode='binary'):
        """A float64 ``(len(sequences), num_words)`` matrix: per row, for each index, 1
        ('binary'), its count ('count'), count / length ('freq') or
        ``(1 + log count) * log(1 + docs / (1 + docs with it))`` ('tfidf')."""
        if mode not in ('binary', 'count', 'freq', 'tfidf'):
            raise ValueError('Unknown vectorization mode: %s' % (mode,))
        if self.num_words:
            num_words = self.num_words
        elif self.word_index:
            num_words = len(self.word_index) + 1
        else:
            raise ValueError('Specify a dimension (`num_words` argument), or fit on some text '
                             'data first.')
        if mode == 'tfidf' and not self.document_count:
            raise ValueError('Fit the Tokenizer on some data before using tfidf mode.')
        x = np.zeros((len(sequences), num_words))
        for row, seq in enumerate(sequences):
            if not len(seq):
                continue
            idx, counts = np.unique([j for j in seq if j < num_words], return_counts=True)
            idx = idx.astype(np.int64)
            if mode == 'count':
                x[row, idx] = counts
            elif mode == 'freq':
                x[row, idx] = counts / len(seq)
            elif mode == 'binary':
                x[row, idx] = 1
            else:
                docs = np.array([self.index_docs.get(int(j), 0) for j in idx], dtype=np.float64)
                x[row, idx] = (1 + np.log(counts)) * np.log(1 + self.document_count / (1 + docs))
        return x
