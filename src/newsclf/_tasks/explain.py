"""Why a headline got its topic: the terms that pushed the top topic and the runner-up."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .._model.classifier import Contribution, NewsClassifier
from .classify import Prediction, classify

__all__ = ["Explanation", "explain"]


@dataclass(frozen=True)
class Explanation:
    """A prediction with the terms behind it.

    Attributes
    ----------
    text : str
        The headline.
    prediction : Prediction
        Its prediction (``label`` ``""`` with status ``empty`` or ``no_signal``).
    ranked : tuple of (label, probability)
        The top topic and the runner-up, best first (empty for an empty text).
    terms : tuple of tuple of Contribution
        For each of ``ranked``, the terms that pushed hardest towards it, largest first.
    """

    text: str
    prediction: Prediction
    ranked: tuple[tuple[str, float], ...]
    terms: tuple[tuple[Contribution, ...], ...]

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict: the prediction, then each ranked topic with its terms."""
        return {
            "text": self.text,
            "label": self.prediction.label,
            "score": self.prediction.score,
            "status": self.prediction.status,
            "topics": [
                {
                    "label": label,
                    "score": score,
                    "terms": [{"term": c.term, "kind": c.kind, "weight": c.weight} for c in terms],
                }
                for (label, score), terms in zip(self.ranked, self.terms)
            ],
        }

    def __str__(self) -> str:
        why = "" if self.prediction.status == "ok" else f" ({self.prediction.status}: no topic)"
        lines = [self.text or "(empty)"]
        for rank, ((label, score), terms) in enumerate(zip(self.ranked, self.terms)):
            lines.append(
                f"  {'topic' if rank == 0 else 'runner-up'}: {label} {score:.3f}{why if rank == 0 else ''}"
            )
            width = max((len(c.term) for c in terms), default=0)
            lines += [f"    {c.weight:+8.3f}  {c.term!r:<{width + 2}}  {c.kind}" for c in terms]
        return "\n".join(lines)


def explain(text: str, model: NewsClassifier, top: int = 10) -> Explanation:
    """Explain ``model``'s prediction for ``text``: the ``top`` terms of the best two topics.

    A term's weight is its TF-IDF value in ``text`` times the topic's coefficient (see
    :meth:`NewsClassifier.explain`); the top topic is the best-scored one even when the
    prediction withholds it (``no_signal``).
    """
    prediction = classify(text, top_k=2, model=model)
    ranked = prediction.alternatives if text.strip() else ()
    terms = tuple(tuple(model.explain(text, top, label=label)) for label, _ in ranked)
    return Explanation(text, prediction, tuple(ranked), terms)
