"""Provider descriptors: each adapter declares its id, factory, price model, quota class and
credentials once; bootstrap resolves settings against them."""

from __future__ import annotations

from datetime import date

import pytest

from common.adapters.registry import (
    BuildContext,
    Credential,
    ProviderRegistration,
    ProviderRegistry,
    default_registry,
)
from common.bootstrap import build_services, provider_group_needs, provider_groups
from common.config import Settings
from common.domain.errors import InvalidInputError
from common.domain.model_catalogue import lifecycle_warnings, model_info, priced
from common.domain.pacing import ELEVENLABS_RATES, ESPEAK_RATES
from common.domain.providers import PROVIDER_KINDS, PriceModel


def test_every_kind_has_its_offline_provider_and_the_real_ones_registered():
    registry = default_registry()
    assert {kind: registry.ids(kind) for kind in PROVIDER_KINDS} == {
        "script": ["gemini", "offline"],
        "images": ["gemini", "offline"],
        "video": ["offline", "veo"],
        "voice": ["elevenlabs", "offline"],
    }


def test_command_line_groups_and_their_needs_come_from_the_registrations():
    assert provider_groups() == {
        "offline": {
            "script": "offline",
            "images": "offline",
            "video": "offline",
            "voice": "offline",
        },
        "vertex": {"script": "gemini", "images": "gemini", "video": "veo"},
        "elevenlabs": {"voice": "elevenlabs"},
    }
    needs = provider_group_needs()
    assert [var for var, _ in needs["vertex"]] == ["GOOGLE_CLOUD_PROJECT"]
    assert [var for var, _ in needs["elevenlabs"]] == ["ELEVENLABS_API_KEY"]
    assert needs["offline"] == []


def test_an_unknown_provider_id_is_refused_naming_the_variable_and_the_choices():
    with pytest.raises(InvalidInputError) as caught:
        default_registry().chosen(Settings(video="sora"))
    message = caught.value.fields["STORYGENIUS_VIDEO"]
    assert "'sora'" in message and "offline, veo" in message


def test_a_missing_credential_is_refused_naming_its_variable(tmp_path):
    with pytest.raises(InvalidInputError) as caught:
        build_services(Settings(voice="elevenlabs", data_dir=tmp_path))
    assert "ELEVENLABS_API_KEY" in caught.value.fields


def test_prices_follow_the_configured_model_and_an_unlisted_one_is_priced_high():
    registry = default_registry()
    fast = registry.choice(Settings(video="veo", google_cloud_project="p")).video
    full = registry.choice(
        Settings(video="veo", google_cloud_project="p", veo_model="veo-3.1-generate-001")
    ).video
    assert (fast.price, fast.quota) == (
        PriceModel(unit="second", usd_per_unit=0.15),
        "video_seconds",
    )
    assert full.price.usd_per_unit == 0.40
    assert priced("veo-9-ultra", "veo").usd_per_unit == 0.40  # the dearest Veo listed


def test_narrators_declare_their_speaking_rates():
    registry = default_registry()
    assert registry.choice(Settings()).rates is ESPEAK_RATES
    eleven = Settings(voice="elevenlabs", elevenlabs_api_key="k")
    assert registry.choice(eleven).rates is ELEVENLABS_RATES


def test_offline_providers_are_free_and_count_no_video_seconds():
    choice = default_registry().choice(Settings())
    assert {getattr(choice, k).quota for k in PROVIDER_KINDS} == {"free"}
    assert {getattr(choice, k).price.cost(100) for k in PROVIDER_KINDS} == {0.0}


def test_a_registration_can_be_added_and_removed_and_ids_are_unique():
    registry = ProviderRegistry(default_registry_copy())
    extra = ProviderRegistration(
        "voice", "whisper", lambda ctx: object(), "quiet",
        credentials=(Credential("bucket", "STORYGENIUS_BUCKET", "a bucket"),),
    )  # fmt: skip
    with registry.registered(extra):
        assert "whisper" in registry.ids("voice")
        assert registry.groups()["quiet"] == {"voice": "whisper"}
        with pytest.raises(ValueError, match="exists"):
            registry.register(
                ProviderRegistration("voice", "whisper", lambda ctx: object(), "quiet")
            )
        with pytest.raises(InvalidInputError) as caught:
            registry.chosen(Settings(voice="whisper"))
        assert "STORYGENIUS_BUCKET" in caught.value.fields
    assert "whisper" not in registry.ids("voice")


def test_shared_clients_are_made_once_per_context(tmp_path):
    made: list[int] = []
    ctx = BuildContext(settings=Settings(), blobs=None, rates=ESPEAK_RATES)  # type: ignore[arg-type]
    first = ctx.shared("client", lambda: made.append(1) or object())
    assert ctx.shared("client", lambda: made.append(1) or object()) is first
    assert made == [1]


def test_the_default_script_model_is_current_and_retired_ids_are_warned_about():
    today = date(2026, 12, 15)
    assert lifecycle_warnings({"script": Settings().gemini_script_model}, today) == []
    info = model_info(Settings().gemini_script_model)
    assert info is not None and not info.retired(today)
    warned = lifecycle_warnings({"STORYGENIUS_GEMINI_SCRIPT_MODEL": "gemini-2.5-flash"}, today)
    assert len(warned) == 1 and "shut down on 2026-06-17" in warned[0]
    unknown = lifecycle_warnings({"STORYGENIUS_VEO_MODEL": "veo-9"}, today)
    assert "not a model id this version knows" in unknown[0]


def default_registry_copy() -> tuple[ProviderRegistration, ...]:
    registry = default_registry()
    return tuple(registry.chosen(Settings())[kind] for kind in PROVIDER_KINDS)  # the offline four


def test_a_voice_the_narrator_does_not_have_is_refused_when_the_project_is_written(tmp_path):
    from dataclasses import replace

    from common.domain.commands import CreateProject, UpdateProject, parse
    from common.domain.series import CreateSeries

    offline = default_registry_copy()
    voices = {("en", "en-us+f3")}
    narrator = replace(offline[3], known_voice=lambda s, lang, voice: (lang, voice) in voices)
    registry = ProviderRegistry((*offline[:3], narrator))
    svc = build_services(Settings(data_dir=tmp_path), registry=registry)
    try:
        good = svc.projects.create("ann", parse(CreateProject, {
            "prompt": "p", "settings": {"language": "en", "voice": "en-us+f3"}}))  # fmt: skip
        with pytest.raises(InvalidInputError) as caught:
            svc.projects.create("ann", parse(CreateProject, {
                "prompt": "p", "settings": {"language": "en", "voice": "Zeus"}}))  # fmt: skip
        assert "'Zeus'" in caught.value.fields["settings.voice"]
        with pytest.raises(InvalidInputError):
            svc.projects.update("ann", good.id, parse(UpdateProject, {
                "settings": {"voice": "en-gb"}}))  # fmt: skip
        with pytest.raises(InvalidInputError) as caught:
            svc.series.create("ann", parse(CreateSeries, {
                "theme": "t", "cadence": {"kind": "daily", "time": "09:00"},
                "timezone": "UTC", "settings": {"voice": "Zeus"}}))  # fmt: skip
        assert "settings.voice" in caught.value.fields
    finally:
        svc.close()
