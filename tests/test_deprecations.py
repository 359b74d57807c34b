import warnings

import pytest

from newsclf import tag_frame, train
from newsclf._deprecations import UNSET, renamed


def test_renamed_passes_the_new_value_through_silently():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert renamed("seed", "random_state", UNSET, 3, 0) == 3


def test_old_name_warns_and_still_works(corpus):
    with pytest.warns(FutureWarning, match="seed= is renamed random_state="):
        old = train(corpus, seed=7, min_df=1)
    new = train(corpus, random_state=7, min_df=1)
    assert old.model.card_["training_data"] == new.model.card_["training_data"]
    assert (old.model.coef_ == new.model.coef_).all()


def test_old_and_new_name_together_is_an_error(corpus, tiny_model):
    with pytest.raises(TypeError, match="pass n_jobs= only"):
        tag_frame(corpus, "text", model=tiny_model, jobs=1, n_jobs=2)
