"""Programs in the style of Theano's Deep Learning Tutorials (logistic_sgd.py and
mlp.py), written against Theano's API: only the two import lines below differ from
what a Theano user wrote (``import theano; import theano.tensor as T``). They train on
synthetic data (no download) with the tutorials' idioms: shared data sets sliced by
``givens`` with a minibatch index, ``T.log(p)[T.arange(y.shape[0]), y]``, ``T.neq``,
hand-written update lists, ``T.cast(shared_y, 'int32')``, patience-based early stopping;
and must converge to the stated thresholds."""
import timeit

import numpy

import hypatia as theano
import hypatia.tensor as T


# ---- logistic_sgd.py

class LogisticRegression(object):
    """Multi-class Logistic Regression Class"""

    def __init__(self, input, n_in, n_out):
        self.W = theano.shared(
            value=numpy.zeros((n_in, n_out), dtype=theano.config.floatX),
            name='W',
            borrow=True
        )
        self.b = theano.shared(
            value=numpy.zeros((n_out,), dtype=theano.config.floatX),
            name='b',
            borrow=True
        )
        self.p_y_given_x = T.nnet.softmax(T.dot(input, self.W) + self.b)
        self.y_pred = T.argmax(self.p_y_given_x, axis=1)
        self.params = [self.W, self.b]
        self.input = input

    def negative_log_likelihood(self, y):
        return -T.mean(T.log(self.p_y_given_x)[T.arange(y.shape[0]), y])

    def errors(self, y):
        if y.ndim != self.y_pred.ndim:
            raise TypeError(
                'y should have the same shape as self.y_pred',
                ('y', y.type, 'y_pred', self.y_pred.type)
            )
        if y.dtype.startswith('int'):
            return T.mean(T.neq(self.y_pred, y))
        else:
            raise NotImplementedError()


def shared_dataset(data_xy, borrow=True):
    data_x, data_y = data_xy
    shared_x = theano.shared(numpy.asarray(data_x, dtype=theano.config.floatX), borrow=borrow)
    shared_y = theano.shared(numpy.asarray(data_y, dtype=theano.config.floatX), borrow=borrow)
    return shared_x, T.cast(shared_y, 'int32')


def blobs(rng, n, n_in, n_classes, spread):
    """Gaussian clusters around random centers: a linearly separable-ish task."""
    centers = rng.normal(scale=3.0, size=(n_classes, n_in))
    y = rng.randint(0, n_classes, size=n)
    x = centers[y] + spread * rng.normal(size=(n, n_in))
    return x, y


def load_data(rng, make, sizes=(600, 200, 200)):
    x, y = make(sum(sizes))
    cut1, cut2 = sizes[0], sizes[0] + sizes[1]
    return [shared_dataset((x[:cut1], y[:cut1])), shared_dataset((x[cut1:cut2], y[cut1:cut2])),
            shared_dataset((x[cut2:], y[cut2:]))]


def sgd_optimization(datasets, n_in, n_out, learning_rate=0.13, n_epochs=100, batch_size=20):
    train_set_x, train_set_y = datasets[0]
    valid_set_x, valid_set_y = datasets[1]
    test_set_x, test_set_y = datasets[2]

    n_train_batches = train_set_x.get_value(borrow=True).shape[0] // batch_size
    n_valid_batches = valid_set_x.get_value(borrow=True).shape[0] // batch_size
    n_test_batches = test_set_x.get_value(borrow=True).shape[0] // batch_size

    index = T.lscalar()
    x = T.matrix('x')
    y = T.ivector('y')
    classifier = LogisticRegression(input=x, n_in=n_in, n_out=n_out)
    cost = classifier.negative_log_likelihood(y)

    test_model = theano.function(
        inputs=[index],
        outputs=classifier.errors(y),
        givens={
            x: test_set_x[index * batch_size: (index + 1) * batch_size],
            y: test_set_y[index * batch_size: (index + 1) * batch_size]
        }
    )
    validate_model = theano.function(
        inputs=[index],
        outputs=classifier.errors(y),
        givens={
            x: valid_set_x[index * batch_size: (index + 1) * batch_size],
            y: valid_set_y[index * batch_size: (index + 1) * batch_size]
        }
    )
    g_W = T.grad(cost=cost, wrt=classifier.W)
    g_b = T.grad(cost=cost, wrt=classifier.b)
    updates = [(classifier.W, classifier.W - learning_rate * g_W),
               (classifier.b, classifier.b - learning_rate * g_b)]
    train_model = theano.function(
        inputs=[index],
        outputs=cost,
        updates=updates,
        givens={
            x: train_set_x[index * batch_size: (index + 1) * batch_size],
            y: train_set_y[index * batch_size: (index + 1) * batch_size]
        }
    )
    return early_stopping(train_model, validate_model, test_model, n_train_batches, n_valid_batches,
                          n_test_batches, n_epochs)


def early_stopping(train_model, validate_model, test_model, n_train_batches, n_valid_batches, n_test_batches,
                   n_epochs):
    """The tutorials' main loop: patience-based early stopping on the validation error."""
    patience = 5000
    patience_increase = 2
    improvement_threshold = 0.995
    validation_frequency = min(n_train_batches, patience // 2)
    best_validation_loss = numpy.inf
    test_score = 0.
    costs = []
    start_time = timeit.default_timer()
    done_looping = False
    epoch = 0
    while (epoch < n_epochs) and (not done_looping):
        epoch = epoch + 1
        epoch_costs = []
        for minibatch_index in range(n_train_batches):
            minibatch_avg_cost = train_model(minibatch_index)
            epoch_costs.append(float(minibatch_avg_cost))
            iter = (epoch - 1) * n_train_batches + minibatch_index
            if (iter + 1) % validation_frequency == 0:
                validation_losses = [validate_model(i) for i in range(n_valid_batches)]
                this_validation_loss = numpy.mean(validation_losses)
                if this_validation_loss < best_validation_loss:
                    if this_validation_loss < best_validation_loss * improvement_threshold:
                        patience = max(patience, iter * patience_increase)
                    best_validation_loss = this_validation_loss
                    test_losses = [test_model(i) for i in range(n_test_batches)]
                    test_score = numpy.mean(test_losses)
            if patience <= iter:
                done_looping = True
                break
        costs.append(numpy.mean(epoch_costs))
    end_time = timeit.default_timer()
    return dict(costs=costs, best_validation_loss=best_validation_loss, test_score=test_score, epochs=epoch,
                seconds=end_time - start_time)


def test_logistic_regression_tutorial_converges():
    rng = numpy.random.RandomState(1234)
    datasets = load_data(rng, lambda n: blobs(rng, n, n_in=20, n_classes=4, spread=2.0))
    result = sgd_optimization(datasets, n_in=20, n_out=4, n_epochs=10)
    costs = result["costs"]
    # From log(4) = 1.386 at zero weights: the mean minibatch cost falls by a factor of 5
    # or more, and fewer than 5% of the held-out points are misclassified.
    assert costs[-1] < numpy.log(4) / 5, costs
    assert result["best_validation_loss"] < 0.05, result
    assert result["test_score"] < 0.05, result


def test_errors_rejects_the_wrong_rank():
    x = T.matrix('x')
    classifier = LogisticRegression(input=x, n_in=3, n_out=2)
    try:
        classifier.errors(T.imatrix('y'))
    except TypeError:
        pass
    else:
        raise AssertionError("errors() accepted a matrix of labels")


# ---- mlp.py

class HiddenLayer(object):
    def __init__(self, rng, input, n_in, n_out, W=None, b=None, activation=T.tanh):
        self.input = input
        if W is None:
            W_values = numpy.asarray(
                rng.uniform(
                    low=-numpy.sqrt(6. / (n_in + n_out)),
                    high=numpy.sqrt(6. / (n_in + n_out)),
                    size=(n_in, n_out)
                ),
                dtype=theano.config.floatX
            )
            if activation == theano.tensor.nnet.sigmoid:
                W_values *= 4
            W = theano.shared(value=W_values, name='W', borrow=True)
        if b is None:
            b_values = numpy.zeros((n_out,), dtype=theano.config.floatX)
            b = theano.shared(value=b_values, name='b', borrow=True)
        self.W = W
        self.b = b
        lin_output = T.dot(input, self.W) + self.b
        self.output = (
            lin_output if activation is None
            else activation(lin_output)
        )
        self.params = [self.W, self.b]


class MLP(object):
    def __init__(self, rng, input, n_in, n_hidden, n_out):
        self.hiddenLayer = HiddenLayer(
            rng=rng,
            input=input,
            n_in=n_in,
            n_out=n_hidden,
            activation=T.tanh
        )
        self.logRegressionLayer = LogisticRegression(
            input=self.hiddenLayer.output,
            n_in=n_hidden,
            n_out=n_out
        )
        self.L1 = (
            abs(self.hiddenLayer.W).sum()
            + abs(self.logRegressionLayer.W).sum()
        )
        self.L2_sqr = (
            (self.hiddenLayer.W ** 2).sum()
            + (self.logRegressionLayer.W ** 2).sum()
        )
        self.negative_log_likelihood = (
            self.logRegressionLayer.negative_log_likelihood
        )
        self.errors = self.logRegressionLayer.errors
        self.params = self.hiddenLayer.params + self.logRegressionLayer.params
        self.input = input


def rings(rng, n):
    """Two concentric rings in the plane (plus 3 noise features): no linear separator."""
    radius = numpy.where(rng.rand(n) < 0.5, 0.5, 1.5)
    y = (radius > 1).astype('int64')
    angle = rng.uniform(0, 2 * numpy.pi, size=n)
    r = radius + 0.15 * rng.normal(size=n)
    x = numpy.column_stack([r * numpy.cos(angle), r * numpy.sin(angle), 0.1 * rng.normal(size=(n, 3))])
    return x, y


def test_mlp(learning_rate=0.3, L1_reg=0.00, L2_reg=0.0001, n_epochs=25, batch_size=20, n_hidden=16):
    rng = numpy.random.RandomState(1234)
    datasets = load_data(rng, lambda n: rings(rng, n))
    train_set_x, train_set_y = datasets[0]
    valid_set_x, valid_set_y = datasets[1]
    test_set_x, test_set_y = datasets[2]
    n_train_batches = train_set_x.get_value(borrow=True).shape[0] // batch_size
    n_valid_batches = valid_set_x.get_value(borrow=True).shape[0] // batch_size
    n_test_batches = test_set_x.get_value(borrow=True).shape[0] // batch_size

    index = T.lscalar()
    x = T.matrix('x')
    y = T.ivector('y')
    classifier = MLP(rng=rng, input=x, n_in=5, n_hidden=n_hidden, n_out=2)
    cost = (
        classifier.negative_log_likelihood(y)
        + L1_reg * classifier.L1
        + L2_reg * classifier.L2_sqr
    )
    test_model = theano.function(
        inputs=[index],
        outputs=classifier.errors(y),
        givens={
            x: test_set_x[index * batch_size:(index + 1) * batch_size],
            y: test_set_y[index * batch_size:(index + 1) * batch_size]
        }
    )
    validate_model = theano.function(
        inputs=[index],
        outputs=classifier.errors(y),
        givens={
            x: valid_set_x[index * batch_size:(index + 1) * batch_size],
            y: valid_set_y[index * batch_size:(index + 1) * batch_size]
        }
    )
    gparams = [T.grad(cost, param) for param in classifier.params]
    updates = [
        (param, param - learning_rate * gparam)
        for param, gparam in zip(classifier.params, gparams)
    ]
    train_model = theano.function(
        inputs=[index],
        outputs=cost,
        updates=updates,
        givens={
            x: train_set_x[index * batch_size: (index + 1) * batch_size],
            y: train_set_y[index * batch_size: (index + 1) * batch_size]
        }
    )
    result = early_stopping(train_model, validate_model, test_model, n_train_batches, n_valid_batches,
                            n_test_batches, n_epochs)
    costs = result["costs"]
    # From about log(2) = 0.69: the cost falls by a factor of 4 or more, and fewer than
    # 5% of the held-out points are misclassified (a linear model gets about 50%).
    assert costs[-1] < numpy.log(2) / 4, costs
    assert result["test_score"] < 0.05, result
    # L1 as Theano's abs(W).sum() builds and evaluates.
    assert float(theano.function([], classifier.L1)()) > 0
