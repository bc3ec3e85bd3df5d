"""The app factory and its settings."""

from __future__ import annotations

import pytest

from service import create_app
from service.settings import Settings, SettingsError


@pytest.fixture
def app(tmp_path, monkeypatch):
    monkeypatch.setenv("COSIGNE_ENV", "test")
    monkeypatch.setenv("COSIGNE_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("COSIGNE_SECRET_KEY", raising=False)
    return create_app({"TESTING": True})


def test_factory_assembles_an_app_without_starting_libreoffice(app) -> None:
    assert app.config["TESTING"]
    assert app.extensions["cosigne.converter"] is None


def test_home_page_is_in_french(app) -> None:
    response = app.test_client().get("/")

    assert response.status_code == 200
    assert "conventions de stage" in response.get_data(as_text=True)


def test_unknown_page_gets_a_french_404(app) -> None:
    response = app.test_client().get("/nulle-part")

    assert response.status_code == 404
    assert "Cette page n’existe pas." in response.get_data(as_text=True)


def test_unknown_api_route_gets_a_json_error(app) -> None:
    response = app.test_client().get("/api/v1/nulle-part")

    assert response.status_code == 404
    assert response.json == {"errors": [{"field": "", "message": "Cette page n’existe pas."}]}


def test_development_secret_is_generated_once_and_kept_private(tmp_path) -> None:
    environ = {"COSIGNE_DATA_DIR": str(tmp_path)}

    first = Settings.from_env(environ)
    second = Settings.from_env(environ)

    assert first.secret_key == second.secret_key
    assert len(first.secret_key) >= 32
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_production_refuses_to_start_without_a_secret(tmp_path) -> None:
    with pytest.raises(SettingsError, match="COSIGNE_SECRET_KEY est obligatoire"):
        Settings.from_env({"COSIGNE_ENV": "production", "COSIGNE_DATA_DIR": str(tmp_path)})

    assert not (tmp_path / "secret_key").exists()


def test_production_needs_a_trail_key_of_its_own(tmp_path) -> None:
    with pytest.raises(SettingsError, match="COSIGNE_TRAIL_KEY est obligatoire"):
        Settings.from_env(
            {
                "COSIGNE_ENV": "production",
                "COSIGNE_SECRET_KEY": "s" * 40,
                "COSIGNE_DATA_DIR": str(tmp_path),
            }
        )
    with pytest.raises(SettingsError, match="COSIGNE_TRAIL_KEY_FALLBACKS"):
        Settings.from_env(
            {"COSIGNE_TRAIL_KEY_FALLBACKS": "court", "COSIGNE_DATA_DIR": str(tmp_path)}
        )
    generated = Settings.from_env({"COSIGNE_DATA_DIR": str(tmp_path)})
    assert generated.trail_key != generated.secret_key
    assert (tmp_path / "trail_key").stat().st_mode & 0o077 == 0


def test_a_short_secret_is_refused(tmp_path) -> None:
    with pytest.raises(SettingsError, match="au moins 32"):
        Settings.from_env({"COSIGNE_SECRET_KEY": "trop-court", "COSIGNE_DATA_DIR": str(tmp_path)})


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("COSIGNE_ENV", "staging"),
        ("COSIGNE_CONVERTER_PROCESSES", "0"),
        ("COSIGNE_CONVERSION_TIMEOUT", "soon"),
        ("COSIGNE_TSA_URLS", "tsa.example.org/tsa"),
        ("COSIGNE_TSA_TIMEOUT", "0"),
        ("COSIGNE_TSA_ROOTS", "/nulle/part/racines.pem"),
    ],
)
def test_bad_settings_are_refused_with_the_variable_named(tmp_path, name, value) -> None:
    with pytest.raises(SettingsError, match=name):
        Settings.from_env({name: value, "COSIGNE_DATA_DIR": str(tmp_path)})


def test_timestamp_authorities_are_asked_in_order_the_single_url_first(tmp_path) -> None:
    settings = Settings.from_env(
        {
            "COSIGNE_DATA_DIR": str(tmp_path),
            "COSIGNE_TSA_URL": "https://a.example.org/tsa",
            "COSIGNE_TSA_URLS": " https://b.example.org/tsa,,https://a.example.org/tsa ,"
            "http://c.example.org/tsa",
        }
    )

    assert settings.tsa_urls == (
        "https://a.example.org/tsa",
        "https://b.example.org/tsa",
        "http://c.example.org/tsa",
    )
    assert settings.tsa_timeout == 5.0
    assert Settings.from_env({"COSIGNE_DATA_DIR": str(tmp_path)}).tsa_urls == ()


def test_secret_from_the_environment_and_fallbacks_for_rotation(tmp_path) -> None:
    settings = Settings.from_env(
        {
            "COSIGNE_SECRET_KEY": "n" * 40,
            "COSIGNE_SECRET_KEY_FALLBACKS": "o" * 40 + "," + "p" * 40,
            "COSIGNE_DATA_DIR": str(tmp_path),
        }
    )

    assert settings.secret_key == "n" * 40
    assert settings.secret_key_fallbacks == ("o" * 40, "p" * 40)
    assert settings.database_url == f"sqlite:///{tmp_path / 'cosigne.sqlite3'}"


def test_every_page_carries_security_headers(app) -> None:
    response = app.test_client().get("/")

    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
