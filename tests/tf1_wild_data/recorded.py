"""What tests/tf1_wild_data/programs.py gave with TensorFlow 2.21's compat.v1 (not edited by hand)."""

RECORDED = {}

RECORDED['feed_free_training'] = {
    'W': ('float32', [3, 1], [[1.3246263265609741], [-1.7350687980651855], [0.37093275785446167]]),
    'b': ('float32', [], 0.3286129832267761),
    'dataset': ['(?, 3)', '(?, 1)', 'float32', 'float32'],
    'losses': [('float32', [], 4.791794300079346), ('float32', [], 0.8759043216705322),
               ('float32', [], 0.9394357204437256), ('float32', [], 1.3390405178070068),
               ('float32', [], 0.27264833450317383), ('float32', [], 0.4288877248764038),
               ('float32', [], 0.46027112007141113), ('float32', [], 0.10154366493225098),
               ('float32', [], 0.17534513771533966), ('float32', [], 0.1671971082687378),
               ('float32', [], 0.03939957171678543), ('float32', [], 0.06997948884963989)],
    'next': [('IteratorGetNext:0', '(?, 3)', 'float32'),
             ('IteratorGetNext:1', '(?, 1)', 'float32')],
}

RECORDED['initializable_iterator'] = {
    'again': [[('float32', [3, 3],
                [[0.07458996772766113, -1.7440212965011597, -0.7094986438751221],
                 [-1.8958038091659546, -1.1886283159255981, -1.5880866050720215],
                 [-0.37040215730667114, -1.5185956954956055, -1.163628101348877]]),
               ('float32', [3, 1],
                [[1.9225890636444092], [-0.3302462100982666], [1.2498871088027954]])]],
    'end': 'OutOfRangeError',
    'shapes': ['(?, 3)', '(?, 1)'],
    'sums': [('float32', [], -16.541831970214844), ('float32', [], 0.6149129867553711),
             ('float32', [], -6.572734832763672)],
    'uninitialized_error': ('FailedPreconditionError',
                            'GetNext() failed because the iterator has not been initialized. '
                            'Ensure that you have run the initializer operation for this iterator '
                            'before getting the next element.',
                            'IteratorGetNext_1'),
}

RECORDED['train_validation_switching'] = {
    'W': ('float32', [3, 1], [[1.4557709693908691], [-1.7254287004470825], [0.14809702336788177]]),
    'val_losses': [('float32', [], 0.696787416934967), ('float32', [], 0.2839689552783966),
                   ('float32', [], 0.12656471133232117)],
}

RECORDED['feedable_iterator'] = {
    'train': [('int64', [], 0), ('int64', [], 10), ('int64', [], 20)],
    'train_again': ('int64', [], 30),
    'val': [('int64', [], 0), ('int64', [], 1), ('int64', [], 2)],
    'val_end_error': ('OutOfRangeError', 'End of sequence'),
}

RECORDED['transformations'] = {
    'cached': [('float32', [], 0.0), ('float32', [], 0.5), ('float32', [], 1.0),
               ('float32', [], 0.0), ('float32', [], 0.5), ('float32', [], 1.0)],
    'cached_end': 'OutOfRangeError',
    'dropped': [('int64', [3], [0, 1, 2]), ('int64', [3], [3, 4, 5])],
    'dropped_end': 'OutOfRangeError',
    'evens': [('int64', [], 16), ('int64', [], 36), ('int64', [], 64), ('int64', [], 100),
              ('int64', [], 144)],
    'evens_end': 'OutOfRangeError',
    'joined': [('int64', [], 16), ('int64', [], 36), ('int64', [], 64), ('int64', [], 100),
               ('int64', [], 144), ('int64', [], -1), ('int64', [], -2)],
    'joined_end': 'OutOfRangeError',
    'pairs': [[('int64', [], 16), ('int64', [2], [100, 101])],
              [('int64', [], 36), ('int64', [2], [102, 103])],
              [('int64', [], 64), ('int64', [2], [104, 105])],
              [('int64', [], 100), ('int64', [2], [106, 107])],
              [('int64', [], 144), ('int64', [2], [108, 109])]],
    'pairs_end': 'OutOfRangeError',
    'static': ['(TensorShape([]), TensorShape([Dimension(None)]))', "<dtype: 'float32'>", '(3,)'],
}

RECORDED['padded_sequences'] = {
    'batches': [[('int32', [2, 2], [[1, 2], [3, -1]]), ('int32', [2], [2, 1])],
                [('int32', [2, 4], [[4, 5, 6, 7], [8, 9, 10, -1]]), ('int32', [2], [4, 3])],
                [('int32', [1, 1], [[11]]), ('int32', [1], [1])]],
    'fixed': [[('int32', [3, 5], [[1, 2, 0, 0, 0], [3, 0, 0, 0, 0], [4, 5, 6, 7, 0]]),
               ('int32', [3], [2, 1, 4])],
              [('int32', [2, 5], [[8, 9, 10, 0, 0], [11, 0, 0, 0, 0]]), ('int32', [2], [3, 1])]],
    'shapes': ['(?, ?)', '(?,)'],
}

RECORDED['shuffle_and_generator'] = {
    'end': 'OutOfRangeError',
    'epochs': [[0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]],
    'shapes': ['(?,)', '(?, 2)', 'int64', 'float32'],
    'sums': ('float32', [2], [90.0, -90.0]),
}

RECORDED['tfrecord_round_trip'] = {
    'batches': [[('float32', [4, 2, 2],
                  [[[0.0, 1.0], [2.0, 3.0]], [[1.0, 2.0], [3.0, 4.0]], [[2.0, 3.0], [4.0, 5.0]],
                   [[3.0, 4.0], [5.0, 6.0]]]),
                 ('int64', [4], [0, 1, 0, 1]),
                 ('float32', [4, 1], [[0.0], [0.25], [0.5], [0.75]])],
                [('float32', [2, 2, 2], [[[4.0, 5.0], [6.0, 7.0]], [[5.0, 6.0], [7.0, 8.0]]]),
                 ('int64', [2], [0, 1]), ('float32', [2, 1], [[1.0], [1.25]])]],
    'missing_error': ('InvalidArgumentError',
                      'Feature: nope (data type: int64) is required but could not be found.'),
    'records': 6,
    'shapes': ['(?, 2, 2)', '(?,)', '(?, 1)'],
    'sparse': [('int64', [3, 2], [[0, 0], [0, 1], [2, 0]]), ('str', [3], ['a', 'b', 'c']),
               ('int64', [2], [3, 2])],
    'sparse_shapes': ['(?, 2)', '(?,)', '(2,)'],
}

RECORDED['interleaved_csv_files'] = {
    'rows': [[('int32', [4], [0, 1, 10, 11]), ('str', [4], ['a', 'b', 'a', 'b'])],
             [('int32', [4], [2, 12, 20, 21]), ('str', [4], ['c', 'c', 'a', 'b'])],
             [('int32', [1], [22]), ('str', [1], ['c'])]],
}

RECORDED['csv_queue_pipeline'] = {
    'batches': [[('int32', [6], [0, 1, 2, 3, 4, 100]),
                 ('float32', [6], [0.0, 0.5, 1.0, 1.5, 2.0, 0.0]),
                 ('str', [6], ['x', 'y', 'x', 'y', 'x', 'x'])],
                [('int32', [6], [101, 102, 103, 104, 0, 1]),
                 ('float32', [6], [0.5, 1.0, 1.5, 2.0, 0.0, 0.5]),
                 ('str', [6], ['y', 'x', 'y', 'x', 'x', 'y'])],
                [('int32', [6], [2, 3, 4, 100, 101, 102]),
                 ('float32', [6], [1.0, 1.5, 2.0, 0.0, 0.5, 1.0]),
                 ('str', [6], ['x', 'y', 'x', 'x', 'y', 'x'])],
                [('int32', [2], [103, 104]), ('float32', [2], [1.5, 2.0]),
                 ('str', [2], ['y', 'x'])]],
    'end': 'OutOfRangeError',
    'local_variables': ['input_producer/limit_epochs/epochs:0'],
    'producer_ops': ['input_producer/Assert/Assert/data_0:Const',
                     'input_producer/Assert/Assert:Assert', 'input_producer/Assert/Const:Const',
                     'input_producer/Cast:Cast', 'input_producer/Const:Const',
                     'input_producer/Greater/y:Const', 'input_producer/Greater:Greater',
                     'input_producer/Identity:Identity', 'input_producer/Size:Const',
                     'input_producer/fraction_of_32_full/tags:Const',
                     'input_producer/fraction_of_32_full:ScalarSummary',
                     'input_producer/input_producer_Close:QueueCloseV2',
                     'input_producer/input_producer_Close_1:QueueCloseV2',
                     'input_producer/input_producer_EnqueueMany:QueueEnqueueManyV2',
                     'input_producer/input_producer_Size:QueueSizeV2',
                     'input_producer/limit_epochs/Const:Const',
                     'input_producer/limit_epochs/CountUpTo:CountUpTo',
                     'input_producer/limit_epochs/epochs/Assign:Assign',
                     'input_producer/limit_epochs/epochs/read:Identity',
                     'input_producer/limit_epochs/epochs:VariableV2',
                     'input_producer/limit_epochs:Identity', 'input_producer/mul/y:Const',
                     'input_producer/mul:Mul', 'input_producer:FIFOQueueV2'],
    'queue_runners': 2,
    'shapes': ['(?,)', '(?,)', '(?,)', '()'],
}

RECORDED['shuffle_batch_training'] = {
    'labels_seen': ('float32', [72],
                    [-2.15234112739563, -2.15234112739563, -2.15234112739563, -1.7007465362548828,
                     -1.7007465362548828, -1.7007465362548828, -1.5178241729736328,
                     -1.5178241729736328, -1.5178241729736328, -0.9087002873420715,
                     -0.9087002873420715, -0.9087002873420715, -0.9030666947364807,
                     -0.9030666947364807, -0.9030666947364807, -0.6761316061019897,
                     -0.6761316061019897, -0.6761316061019897, -0.43525251746177673,
                     -0.43525251746177673, -0.43525251746177673, -0.3302462100982666,
                     -0.3302462100982666, -0.3302462100982666, -0.11353341490030289,
                     -0.11353341490030289, -0.11353341490030289, 0.2631210684776306,
                     0.2631210684776306, 0.2631210684776306, 0.342929482460022, 0.342929482460022,
                     0.342929482460022, 0.4878782629966736, 0.4878782629966736, 0.4878782629966736,
                     1.0269612073898315, 1.0269612073898315, 1.0269612073898315,
                     1.1065598726272583, 1.1065598726272583, 1.1065598726272583,
                     1.2498871088027954, 1.2498871088027954, 1.2498871088027954,
                     1.4672235250473022, 1.4672235250473022, 1.4672235250473022, 1.631212830543518,
                     1.631212830543518, 1.631212830543518, 1.712428331375122, 1.712428331375122,
                     1.712428331375122, 1.7835958003997803, 1.7835958003997803, 1.7835958003997803,
                     1.9225890636444092, 1.9225890636444092, 1.9225890636444092,
                     2.6273632049560547, 2.6273632049560547, 2.6273632049560547,
                     2.7776670455932617, 2.7776670455932617, 2.7776670455932617,
                     3.0181198120117188, 3.0181198120117188, 3.0181198120117188,
                     3.5945701599121094, 3.5945701599121094, 3.5945701599121094]),
    'shapes': ['(?, 3)', '(?, 1)'],
}

RECORDED['queue_semantics'] = {
    'closed': ('bool', [], True),
    'deq': [('int32', [], 1), ('float32', [2], [1.0, 1.0])],
    'dequeue_closed_error': ('OutOfRangeError',
                             "FIFOQueue '_21_fifo' is closed and has insufficient elements "
                             '(requested 1, current size 0)'),
    'enqueue_closed_error': ('CancelledError', "FIFOQueue '_21_fifo' is closed."),
    'many': [('int32', [2], [2, 3]), ('float32', [2, 2], [[2.0, 2.0], [3.0, 3.0]])],
    'names': ['fifo', 'fifo_EnqueueMany', 'fifo_Dequeue:0', 'fifo_DequeueMany:0', 'fifo_Size:0'],
    'padded': ('int32', [3, 3], [[1, 0, 0], [2, 3, 4], [5, 6, 0]]),
    'shapes': ['(2,)', '(2, 2)'],
    'shuffled': [0, 1, 2, 3, 4, 5],
    'size': ('int32', [], 3),
}
