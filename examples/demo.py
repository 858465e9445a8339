"""The Python demo: the README's example, in Theano's names."""
import numpy as np

import hypatia
import hypatia.tensor as T

x = T.dmatrix("x")
y = T.dvector("y")
z = T.exp(x) * 2 + y
f = hypatia.function([x, y], [z, z.sum(axis=1)])
values, row_sums = f(np.ones((2, 3)), np.arange(3.0))
print("z =")
print(values)
print("z.sum(axis=1) =", row_sums)
