"""Matching a flavor's extra spec against a value, with Nova's operators.

A requirement is either a plain string (equal to the value) or an
operator and its operands (Nova's ``nova/scheduler/filters/
extra_specs_ops.py``):

- ``= N``: the value is at least N (as numbers); ``== N``, ``!= N``,
  ``>= N``, ``<= N``: numeric comparisons;
- ``s== S``, ``s!= S``, ``s< S``, ``s<= S``, ``s> S``, ``s>= S``: string
  comparisons;
- ``<in> S``: S is a substring of the value; ``<all-in> A B ...``: every
  word is in the value;
- ``<or> A <or> B ...``: the value is one of the words.

A numeric operator on a value that is not a number does not match.
"""
import operator

OPERATORS = {
    '=': lambda x, y: float(x) >= float(y),
    '<in>': lambda x, y: y in x,
    '<all-in>': lambda x, y: all(val in x for val in y),
    '==': lambda x, y: float(x) == float(y),
    '!=': lambda x, y: float(x) != float(y),
    '>=': lambda x, y: float(x) >= float(y),
    '<=': lambda x, y: float(x) <= float(y),
    's==': operator.eq,
    's!=': operator.ne,
    's<': operator.lt,
    's<=': operator.le,
    's>': operator.gt,
    's>=': operator.ge,
}


def match(value, requirement):
    """Whether ``value`` (a string, or None: absent) meets
    ``requirement``."""
    words = requirement.split()
    op = words.pop(0) if words else None
    method = OPERATORS.get(op)
    if op != '<or>' and method is None:
        return value == requirement
    if value is None:
        return False
    if op == '<or>':
        # "<or> a <or> b": the operands are every other word.
        return value in words[::2]
    if not words:
        return False
    if op == '<all-in>':
        return method(value, words)
    try:
        return method(value, words[0])
    except ValueError:
        return False
