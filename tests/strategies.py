"""Hypothesis strategies shared by the property-based tests."""

from hypothesis import strategies as st


def json_values(max_size: int = 4, max_leaves: int = 12) -> st.SearchStrategy:
    """Any JSON value: scalars, and lists and objects nested a few levels."""
    return st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
        lambda children: (
            st.lists(children, max_size=max_size)
            | st.dictionaries(st.text(max_size=10), children, max_size=max_size)
        ),
        max_leaves=max_leaves,
    )
