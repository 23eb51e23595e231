"""The ``name`` filter of ``GET /servers``: RE2, linear in the name."""
import pytest
import re2

from nova_core import exception
from nova_core.api import microversion, server_filters
from nova_core.context import RequestContext

EVIL_NAME = 'a' * 29 + '!'


def _parse(**params):
    context = RequestContext('u', 'p')
    return server_filters.parse({k: [v] for k, v in params.items()},
                                context, microversion.MAX_VERSION, 1000)


@pytest.mark.parametrize('param', ['name', 'display_name'])
def test_name_is_compiled_by_re2(param):
    regex = _parse(**{param: '(a+)+$'}).filters['name_regex']
    assert isinstance(regex, re2._Regexp)


def test_catastrophic_pattern_answers_as_python_would():
    # Under Python's re, this search backtracks 2**29 times.
    regex = server_filters._regex('(a+)+$')
    assert regex.search(EVIL_NAME) is None
    assert regex.search('a' * 5000) is not None
    assert server_filters._regex('(a+)+!$').search(EVIL_NAME) is not None


@pytest.mark.parametrize('pattern,words', [
    (r'(a)\1', 'invalid escape sequence'),          # backreference
    ('(?=a)b', 'invalid perl operator'),            # lookahead
    ('(?<!a)b', 'invalid perl operator'),           # lookbehind
    ('(unclosed', 'missing )'),
    ('x{1000}{1000}', 'bad repetition operator'),
    ('((a{100}){100}){100}', 'Invalid regular expression'),  # too big
])
def test_patterns_re2_cannot_take_are_400(pattern, words):
    with pytest.raises(exception.ValidationError) as caught:
        _parse(name=pattern)
    assert caught.value.code == 400
    assert words in caught.value.format_message()


def test_huge_pattern_message_is_short():
    with pytest.raises(exception.ValidationError) as caught:
        _parse(name='(' + 'a' * 100000)
    assert len(caught.value.format_message()) < 400
