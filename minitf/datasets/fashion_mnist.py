"""Fashion-MNIST (Zalando's 28x28 clothing images, 10 classes), read from its IDX files."""

from minitf.datasets import _idx_dataset

BASE_URL = 'http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/'
MD5 = ('8d4fb7e6c68d591d4c3dfef9ec88bf0d', '25c81989df183df01b3e8a0aad5dffbe',
       'bef4ecab320f06d8554ea6380940ec79', 'bb300cfdad3c16e7a12a480ee83cd310')
FILES = _idx_dataset.FILES
CLASS_NAMES = ('T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt',
               'Sneaker', 'Bag', 'Ankle boot')


def load_data(path=None, download=True):
    """Loads Fashion-MNIST as ``(x_train, y_train), (x_test, y_test)`` (uint8, images
    ``(n, 28, 28)``, labels ``(n,)``), from `path` or ``<cache>/fashion_mnist``; same files,
    cache and download rules as :func:`minitf.datasets.mnist.load_data`."""
    return _idx_dataset.load('fashion_mnist', MD5, BASE_URL, path, download)
