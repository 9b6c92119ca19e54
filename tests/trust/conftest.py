"""The trust tests (issue 9) use the reviewers' applications in each state."""

from tests.review.conftest import goods_in_review, goods_submitted, in_review, submitted  # noqa: F401
