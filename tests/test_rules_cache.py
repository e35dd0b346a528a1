"""The start-up cache of the compiled crisis rules: identical detection, rebuilt when anything changes, and only read
when it is the bot's own file."""
from __future__ import annotations

import os

import pytest

from bot.config import CONTENT_DIR
from bot.safety import rules_cache
from bot.safety.detector import load_rules
from tests.test_detector import MINIMAL

TEXTS = ["i want to kill myself", "he's not breathing", "killing it at work", "no quiero vivir mas",
         "I used to cut myself", "what are the signs of an overdose", "mi novio me esta pegando", "hello"]


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("RULES_CACHE_DIR", str(folder))
    monkeypatch.delenv("RULES_CACHE", raising=False)
    return folder


def test_cached_rules_detect_exactly_what_compiled_rules_do(cache_dir):
    fresh = load_rules(CONTENT_DIR / "crisis.yaml")
    built = rules_cache.load_rules_cached(CONTENT_DIR / "crisis.yaml")
    files = list(cache_dir.glob("rules-*.pickle"))
    assert len(files) == 1 and files[0].stat().st_mode & 0o077 == 0
    assert cache_dir.stat().st_mode & 0o077 == 0
    read_back = rules_cache.load_rules_cached(CONTENT_DIR / "crisis.yaml")
    assert [read_back.detect(t) for t in TEXTS] == [fresh.detect(t) for t in TEXTS] == [built.detect(t) for t in TEXTS]


@pytest.fixture
def small_rules(tmp_path):
    path = tmp_path / "crisis.yaml"
    path.write_text(MINIMAL, encoding="utf-8")
    return path


def test_a_changed_rules_file_gets_a_fresh_cache_and_the_old_one_goes(cache_dir, small_rules):
    rules_cache.load_rules_cached(small_rules)
    first = set(cache_dir.glob("rules-*.pickle"))
    small_rules.write_text(MINIMAL.replace('"seizure"', '"seizures"'), encoding="utf-8")
    assert rules_cache.load_rules_cached(small_rules).detect("three seizures today").category == "medical"
    second = set(cache_dir.glob("rules-*.pickle"))
    assert len(first) == len(second) == 1 and first != second


def test_a_cache_others_can_write_to_is_not_read(cache_dir, small_rules, monkeypatch):
    rules_cache.load_rules_cached(small_rules)
    path = next(cache_dir.glob("rules-*.pickle"))
    os.chmod(path, 0o666)
    read = []
    monkeypatch.setattr(rules_cache.pickle, "load", lambda handle: read.append(handle) or None)
    rules = rules_cache.load_rules_cached(small_rules)
    assert read == [] and rules.detect("i want to kill myself") is not None


def test_the_cache_can_be_turned_off(cache_dir, small_rules, monkeypatch):
    monkeypatch.setenv("RULES_CACHE", "off")
    rules_cache.load_rules_cached(small_rules)
    assert not cache_dir.exists()
