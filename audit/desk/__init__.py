"""``audit desk``: the researchers' local web application for phone checks, reviews and inquiries."""
