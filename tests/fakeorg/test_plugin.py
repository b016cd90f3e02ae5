"""The pytest plugin: the ``fake_org`` fixture, and an import that pulls in nothing optional."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

pytest_plugins = ["pytester"]


def test_importing_the_plugin_imports_no_optional_dependency():
    code = textwrap.dedent(
        """
        import sys
        import salesforcepy.fakeorg.plugin
        import salesforcepy.fakeorg
        heavy = sorted(
            name for name in sys.modules
            if name.split(".")[0] in ("werkzeug", "lark", "trustme", "cryptography")
        )
        print(",".join(heavy))
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""


def test_the_package_exports_the_org_and_its_settings_lazily():
    import salesforcepy.fakeorg as fakeorg
    from salesforcepy.fakeorg.bulk import BulkSettings
    from salesforcepy.fakeorg.org import FakeOrg
    from salesforcepy.fakeorg.schema import FieldDef

    assert fakeorg.BulkSettings is BulkSettings
    assert fakeorg.FakeOrg is FakeOrg
    assert fakeorg.FieldDef is FieldDef
    assert sorted(fakeorg.__all__) == ["BulkSettings", "FakeOrg", "FieldDef"]
    with pytest.raises(AttributeError, match="no attribute 'Nothing'"):
        fakeorg.Nothing  # noqa: B018


def test_plugin_is_registered_through_the_entry_point():
    from importlib.metadata import entry_points

    names = {ep.value for ep in entry_points(group="pytest11")}
    assert "salesforcepy.fakeorg.plugin" in names


def test_fake_org_fixture(pytester: pytest.Pytester):
    pytester.makepyfile(
        """
        import pytest
        import requests

        def test_it(fake_org):
            form = {"grant_type": "password", **{k: fake_org.credentials[k] for k in
                    ("client_id", "client_secret", "username", "password")}}
            url = fake_org.login_url + "/services/oauth2/token"
            response = requests.post(url, data=form, timeout=10)
            assert response.status_code == 200
            assert fake_org.ca_bundle is None

        @pytest.mark.fake_org(tls=True)
        def test_tls(fake_org):
            assert fake_org.instance_url.startswith("https://")
            url = fake_org.instance_url + "/services/data/"
            response = requests.get(url, verify=fake_org.ca_bundle, timeout=10)
            assert response.status_code == 200

        def test_writes_a_record(fake_org):
            fake_org.store.create("Account", {"Name": "Only in this test"})
            assert fake_org.store.count("Account") == 1

        def test_gets_a_fresh_database(fake_org):
            assert fake_org.store.count("Account") == 0
        """
    )
    result = pytester.runpytest_subprocess("-q", "--strict-markers")
    result.assert_outcomes(passed=4)


def test_unknown_marker_option_fails_clearly(pytester: pytest.Pytester):
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.fake_org(colour="blue")
        def test_it(fake_org):
            pass
        """
    )
    result = pytester.runpytest_subprocess("-q")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*unknown fake_org marker options: colour*"])


def test_missing_fakeorg_extra_gives_a_clear_failure(pytester: pytest.Pytester):
    # A None entry in sys.modules makes "import werkzeug" fail as if it were not installed.
    pytester.makeconftest(
        """
        import sys
        sys.modules["werkzeug"] = None
        """
    )
    pytester.makepyfile(
        """
        def test_it(fake_org):
            pass

        def test_unrelated():
            pass
        """
    )
    result = pytester.runpytest_subprocess("-q")
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(["*(werkzeug is missing): pip install 'salesforcepy?fakeorg?'"])
    result.stdout.no_fnmatch_line("*During handling*")
