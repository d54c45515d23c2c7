"""Tests for the Dockerfile front-end (``isolint.parsers.dockerfile``)."""

from __future__ import annotations

import time
from textwrap import dedent

import pytest

from isolint.model import FileModel, Format, Instruction, Location, ParseError, Stage
from isolint.parsers.dockerfile import looks_like_dockerfile, parse_dockerfile

PATH = "Dockerfile"


def parse(text: str, **kwargs: object) -> FileModel:
    return parse_dockerfile(PATH, dedent(text).lstrip("\n"), **kwargs)  # type: ignore[arg-type]


def stages(model: FileModel) -> tuple[Stage, ...]:
    return model.images[0].stages


def instructions(model: FileModel) -> list[Instruction]:
    return [i for stage in stages(model) for i in stage.instructions]


def keywords(model: FileModel) -> list[str]:
    return [i.keyword for i in instructions(model)]


def messages(model: FileModel) -> list[tuple[int | None, str]]:
    return [(error.line, error.message) for error in model.errors]


# -- basics ----------------------------------------------------------------------------------
def test_simple_dockerfile_builds_one_workload() -> None:
    model = parse("""
        FROM alpine:3.19
        USER 1000
        """)
    assert model.errors == []
    assert model.format is Format.DOCKERFILE
    assert model.lines == ("FROM alpine:3.19", "USER 1000")
    [workload] = model.workloads
    assert workload.format is Format.DOCKERFILE
    assert workload.resource.kind == "DockerfileStage"
    assert workload.resource.name == "stage 0"
    assert workload.loc == Location(PATH, 1, 1)
    assert workload.image is model.images[0]
    assert workload.target_stage == stages(model)[0]
    [container] = workload.containers
    assert container.image is not None and container.image.value == "alpine:3.19"
    assert container.loc == Location(PATH, 1, 1)
    assert container.security.run_as_user is not None
    assert container.security.run_as_user.value == 1000
    assert container.security.run_as_user.loc == Location(PATH, 2, 1)
    assert container.security.run_as_group is None


def test_keywords_are_case_insensitive_and_located_at_the_keyword() -> None:
    model = parse("FROM alpine\n\n   run\techo hi\n\tuser app\n")
    assert keywords(model) == ["FROM", "RUN", "USER"]
    run, user = instructions(model)[1:]
    assert run.loc == Location(PATH, 3, 4) and run.value == "echo hi" and run.end_line == 3
    assert user.loc == Location(PATH, 4, 2)


def test_crlf_bom_and_tabs() -> None:
    model = parse_dockerfile(PATH, "\ufeffFROM alpine\r\nRUN a \\\r\n\tb\r\nUSER app\r\n")
    assert model.errors == []
    assert keywords(model) == ["FROM", "RUN", "USER"]
    assert instructions(model)[1].value == "a \tb"
    assert stages(model)[0].user is not None and stages(model)[0].user.value == "app"
    assert model.lines == ("FROM alpine", "RUN a \\", "\tb", "USER app")


# -- parser directives and escape ----------------------------------------------------------
def test_directives_are_read_case_insensitively_at_the_top_only() -> None:
    model = parse("""
        # Syntax=docker/dockerfile:1.7
        # check=skip=all
        #escape=`
        FROM alpine
        # escape=\\
        """)
    directives = {kv.key.value: kv.value.value for kv in model.images[0].directives}
    assert directives == {"syntax": "docker/dockerfile:1.7", "check": "skip=all", "escape": "`"}
    syntax = model.images[0].directives[0]
    assert syntax.key.loc == Location(PATH, 1, 1)
    assert syntax.key.text == "Syntax"


def test_a_comment_ends_the_directives() -> None:
    model = parse("""
        # a comment
        # escape=`
        FROM alpine
        RUN echo a `
        """)
    assert model.images[0].directives == ()
    assert instructions(model)[1].value == "echo a `"


def test_duplicate_and_invalid_directives_are_errors() -> None:
    model = parse("""
        # escape=x
        # escape=`
        FROM alpine
        """)
    assert [line for line, _ in messages(model)] == [1, 2]
    assert "must be a backslash" in model.errors[0].message
    assert "only one escape parser directive" in model.errors[1].message


def test_backtick_escape_continues_lines_and_keeps_windows_paths() -> None:
    model = parse("""
        # escape=`
        FROM mcr.microsoft.com/windows/servercore:ltsc2022
        COPY app.exe C:\\app\\
        RUN dir C:\\foo `
            && echo done
        WORKDIR C:\\app
        """)
    assert model.errors == []
    copy, run, workdir = instructions(model)[1:]
    assert copy.value == "app.exe C:\\app\\" and copy.end_line == 3
    assert run.loc == Location(PATH, 4, 1)
    assert run.value == "dir C:\\foo     && echo done"
    assert run.end_line == 5
    assert workdir.loc == Location(PATH, 6, 1)
    [workload] = model.workloads
    assert workload.os is not None and workload.os.value == "windows"


def test_backtick_escape_alone_marks_windows() -> None:
    model = parse("# escape=`\nFROM example/app\n")
    assert model.workloads[0].os is not None
    assert model.workloads[0].os.value == "windows"
    assert model.workloads[0].os.loc == Location(PATH, 1, 1)


@pytest.mark.parametrize("base", [
    "mcr.microsoft.com/windows/nanoserver:ltsc2022",
    "mcr.microsoft.com/windows:ltsc2019",
    "mcr.microsoft.com/powershell:lts-nanoserver-1809",
    "example.com/dotnet/servercore:1",
])
def test_windows_base_images(base: str) -> None:
    model = parse(f"FROM {base}\n")
    assert model.workloads[0].os is not None and model.workloads[0].os.value == "windows"


def test_linux_base_has_no_os() -> None:
    assert parse("FROM python:3.12-slim\n").workloads[0].os is None


# -- continuations -------------------------------------------------------------------------
def test_continuation_with_comments_and_blank_lines_inside() -> None:
    model = parse("""
        FROM alpine
        RUN apk add \\
            # a comment inside the instruction
            curl \\

            git
        USER app
        """)
    assert model.errors == []
    run = instructions(model)[1]
    assert run.loc == Location(PATH, 2, 1)
    assert run.end_line == 6
    assert run.value == "apk add     curl     git"
    assert instructions(model)[2].loc == Location(PATH, 7, 1)


def test_continuation_at_end_of_file() -> None:
    model = parse("FROM alpine\nRUN echo \\\n")
    assert model.errors == []
    assert instructions(model)[1].value == "echo"
    assert instructions(model)[1].end_line == 2


def test_long_continuation_is_linear() -> None:
    body = "  && echo aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa \\\n" * 100_000
    text = "FROM alpine\nRUN true \\\n" + body + "  && done\nUSER app\n"
    start = time.perf_counter()
    model = parse_dockerfile(PATH, text)
    elapsed = time.perf_counter() - start
    assert model.errors == []
    run, user = instructions(model)[1:]
    assert run.end_line == 100_003
    assert user.loc == Location(PATH, 100_004, 1)
    assert elapsed < 5


# -- flags and argument forms ----------------------------------------------------------------
def test_flags_are_split_from_arguments() -> None:
    model = parse("""
        FROM --platform=linux/amd64 alpine AS base
        RUN --mount=type=cache,target=/root/.cache --network=host --security=insecure pip install x
        COPY --from=base --chown=app:app --chmod=0755 --link /src /dst
        ADD --checksum=sha256:abc --keep-git-dir=true https://example.com/x.git /x
        """)
    assert model.errors == []
    from_, run, copy, add = instructions(model)
    assert from_.flag("platform") is not None
    assert stages(model)[0].platform is not None and stages(model)[0].platform.value == "linux/amd64"
    assert [(f.key.value, f.value.value) for f in run.flags] == [
        ("mount", "type=cache,target=/root/.cache"), ("network", "host"), ("security", "insecure")]
    assert run.arguments == ("pip install x",)
    assert run.flags[0].value.loc == Location(PATH, 2, 1)
    assert [(f.key.value, f.value.value) for f in copy.flags] == [
        ("from", "base"), ("chown", "app:app"), ("chmod", "0755"), ("link", "true")]
    assert copy.arguments == ("/src /dst",)
    assert add.flag("keep-git-dir") is not None
    assert add.flag("checksum") is not None
    assert add.flag("link") is None
    assert add.value.startswith("--checksum=")


def test_exec_form_is_a_list() -> None:
    model = parse("""
        FROM alpine
        ENTRYPOINT ["/bin/app", "--port", "80"]
        CMD echo ["not json"
        RUN ["sh", \\
             "-c", "id"]
        """)
    entrypoint, cmd, run = instructions(model)[1:]
    assert entrypoint.json_form and entrypoint.arguments == ("/bin/app", "--port", "80")
    assert not cmd.json_form and cmd.arguments == ('echo ["not json"',)
    assert run.json_form and run.arguments == ("sh", "-c", "id") and run.end_line == 5


# -- heredocs --------------------------------------------------------------------------------
def test_heredoc_body_is_never_an_instruction() -> None:
    model = parse("""
        FROM alpine
        RUN <<EOT
        FROM evil
        USER root
        EOT
        USER app
        """)
    assert model.errors == []
    assert keywords(model) == ["FROM", "RUN", "USER"]
    assert len(stages(model)) == 1
    run = instructions(model)[1]
    assert run.heredocs == ("FROM evil\nUSER root\n",)
    assert run.loc == Location(PATH, 2, 1) and run.end_line == 5
    assert stages(model)[0].user is not None and stages(model)[0].user.value == "app"
    assert stages(model)[0].user.loc == Location(PATH, 6, 1)


def test_heredoc_variants() -> None:
    model = parse_dockerfile(PATH, (
        "FROM alpine\n"
        "RUN <<-EOT\n"
        "\techo tabbed\n"
        "\tEOT\n"
        'RUN python3 <<"EOF"\n'
        "print('USER root')\n"
        "EOF\n"
        "COPY <<A <<B /dst/\n"
        "first\n"
        "A\n"
        "second\n"
        "B\n"
        "RUN echo '<<NOTHEREDOC'\n"
    ))
    assert model.errors == []
    assert keywords(model) == ["FROM", "RUN", "RUN", "COPY", "RUN"]
    chomped, python, copy, quoted = instructions(model)[1:]
    assert chomped.heredocs == ("echo tabbed\n",) and chomped.end_line == 4
    assert python.heredocs == ("print('USER root')\n",) and python.arguments == ('python3 <<"EOF"',)
    assert copy.heredocs == ("first\n", "second\n") and copy.end_line == 12
    assert quoted.heredocs == ()


def test_unterminated_heredoc_consumes_to_end_of_file() -> None:
    model = parse("""
        FROM alpine
        RUN <<EOT
        echo hi
        USER root
        """)
    assert messages(model) == [(2, "unterminated heredoc: <<EOT is never closed; add a line containing only EOT "
                                   "(everything to the end of the file was read as its body)")]
    assert model.errors[0].column == 1
    run = instructions(model)[1]
    assert run.heredocs == ("echo hi\nUSER root\n",)
    assert stages(model)[0].user is None


def test_escaped_escape_at_end_of_line_is_not_a_continuation() -> None:
    model = parse_dockerfile(PATH, "FROM alpine\nUSER app\nRUN echo C:\\\\\nUSER root\n")
    assert model.errors == []
    assert keywords(model) == ["FROM", "USER", "RUN", "USER"]
    assert instructions(model)[2].value == "echo C:\\\\"
    assert stages(model)[0].user is not None and stages(model)[0].user.value == "root"
    lone = parse_dockerfile(PATH, "FROM alpine\nRUN echo a \\\n\\\n  b\n")
    assert [i.value for i in instructions(lone)] == ["alpine", "echo a   b"]


def test_heredocs_under_onbuild_and_the_trigger() -> None:
    model = parse("""
        FROM alpine
        ONBUILD RUN <<EOF
        USER app
        EOF
        ONBUILD USER root
        """)
    assert model.errors == []
    assert keywords(model) == ["FROM", "ONBUILD", "ONBUILD"]
    heredoc, user = instructions(model)[1:]
    assert heredoc.end_line == 4 and heredoc.heredocs == ()
    assert heredoc.trigger is not None and heredoc.trigger.keyword == "RUN"
    assert heredoc.trigger.heredocs == ("USER app\n",) and heredoc.trigger.loc == Location(PATH, 2, 1)
    assert user.trigger is not None and (user.trigger.keyword, user.trigger.value) == ("USER", "root")
    assert stages(model)[0].user is None  # a trigger runs in the child image, not here
    child = parse("FROM alpine AS base\nUSER app\nONBUILD USER root\nFROM base\nRUN id\n")
    user = stages(child)[1].effective_user
    assert user is not None and user.value == "root" and user.loc == Location(PATH, 3, 1)
    assert messages(parse("FROM alpine\nONBUILD FROM x\nONBUILD BOGUS x\n")) == [
        (2, "ONBUILD FROM is not allowed: BuildKit refuses it"),
        (3, "unknown instruction 'BOGUS': BuildKit rejects it; check the spelling or a missing line "
            "continuation on the line before")]


@pytest.mark.parametrize("opener", ['<<E"OF"', "<<EO'F'", '<<"EOF"', "<<\\EOF", "<< EOF", "<<  EOF"])
def test_heredoc_names_as_buildkit_reads_them(opener: str) -> None:
    model = parse_dockerfile(PATH, f"FROM alpine\nRUN cat {opener} > /etc/motd\nhello\nEOF\nUSER root\n")
    assert model.errors == []
    assert keywords(model) == ["FROM", "RUN", "USER"]
    assert instructions(model)[1].heredocs == ("hello\n",)


def test_chomp_then_space_is_not_a_heredoc() -> None:
    model = parse_dockerfile(PATH, "FROM alpine\nRUN cat <<- EOF\nUSER root\n")
    assert keywords(model) == ["FROM", "RUN", "USER"]


def test_json_array_of_non_strings_is_an_error() -> None:
    model = parse("""
        FROM alpine
        CMD ["a", 1]
        ENTRYPOINT ["a", "b"] extra
        """)
    assert messages(model) == [(2, "CMD: a JSON array must hold strings only (BuildKit refuses '[\"a\", 1]')")]
    cmd, entrypoint = instructions(model)[1:]
    assert not cmd.json_form
    assert not entrypoint.json_form and entrypoint.arguments == ('["a", "b"] extra',)  # BuildKit >= 0.15


def test_keyword_glued_by_a_non_breaking_space_is_unknown() -> None:
    model = parse_dockerfile(PATH, "FROM alpine\nRUN\u00a0echo hi\n\u00a0USER app\n")
    assert messages(model) == [(2, "unknown instruction 'RUN\\xa0echo': BuildKit rejects it; check the spelling "
                                   "or a missing line continuation on the line before")]
    assert keywords(model) == ["FROM", "USER"]


def test_arg_name_value_declares_two_args() -> None:
    model = parse("""
        FROM alpine
        ARG PYTHONHTTPSVERIFY 0
        ARG =x
        USER ${PYTHONHTTPSVERIFY:-app}
        """)
    assert messages(model) == [(3, "invalid ARG '=x': the name before '=' is blank")]
    assert stages(model)[0].user is not None and stages(model)[0].user.value == "app"


# -- stages, ARG substitution and USER -------------------------------------------------------
def test_stage_inherits_user_through_two_levels() -> None:
    model = parse("""
        FROM golang:1.22 AS Builder
        USER app:staff
        FROM builder AS middle
        RUN make
        FROM MIDDLE
        """)
    assert model.errors == []
    first, middle, last = stages(model)
    assert first.name is not None and first.name.value == "Builder"
    assert middle.base.value == "builder" and middle.base_stage == 0
    assert last.base_stage == 1 and last.user is None
    assert last.effective_user is not None
    assert last.effective_user.value == "app:staff" and last.effective_user.loc == Location(PATH, 2, 1)
    [workload] = model.workloads
    assert workload.resource.name == "stage 2"
    assert workload.loc == Location(PATH, 5, 1)
    [container] = workload.containers
    assert container.image is not None
    assert container.image.value == "golang:1.22" and container.image.loc == Location(PATH, 1, 1)
    security = container.security
    assert security.run_as_user is not None and security.run_as_user.value == "app"
    assert security.run_as_group is not None and security.run_as_group.value == "staff"
    assert security.run_as_user.loc == Location(PATH, 2, 1)


def test_external_base_has_unknown_user_and_last_user_wins() -> None:
    model = parse("""
        FROM alpine AS build
        USER root
        FROM debian
        FROM alpine
        USER nobody
        USER 0:0
        """)
    build, external, final = stages(model)
    assert build.user is not None and build.user.value == "root"
    assert external.base_stage is None and external.effective_user is None
    assert final.user is not None and final.user.value == "0:0" and final.user.loc == Location(PATH, 6, 1)
    security = model.workloads[0].containers[0].security
    assert security.run_as_user is not None and security.run_as_user.value == 0
    assert security.run_as_group is not None and security.run_as_group.value == 0


def test_from_external_base_has_no_user() -> None:
    security = parse("FROM alpine\nRUN id\n").workloads[0].containers[0].security
    assert security.run_as_user is None


def test_global_args_substitute_into_from() -> None:
    model = parse("""
        ARG REGISTRY=docker.io
        ARG IMAGE=library/python
        ARG TAG
        FROM ${REGISTRY}/$IMAGE:${TAG:-3.12} AS app
        FROM ${REGISTRY:+mirror.example.com}/alpine
        """)
    assert model.errors == []
    assert [a.loc.line for a in model.images[0].global_args] == [1, 2, 3]
    app, alpine = stages(model)
    assert app.base.value == "docker.io/library/python:3.12"
    assert app.base.certain is False  # TAG has no value: the default was taken
    assert app.base.text == "${REGISTRY}/$IMAGE:${TAG:-3.12}"
    assert app.base.loc == Location(PATH, 4, 1)
    assert alpine.base.value == "mirror.example.com/alpine" and alpine.base.certain


def test_build_args_override_arg_defaults() -> None:
    text = """
        ARG TAG=3.18
        FROM alpine:${TAG}
        ARG RUNUSER=app
        USER $RUNUSER
        """
    model = parse(text, build_args={"TAG": "3.20", "RUNUSER": "root", "UNDECLARED": "x"})
    assert stages(model)[0].base.value == "alpine:3.20" and stages(model)[0].base.certain
    assert stages(model)[0].user is not None and stages(model)[0].user.value == "root"
    default = parse(text)
    assert stages(default)[0].base.value == "alpine:3.18"
    assert stages(default)[0].user is not None and stages(default)[0].user.value == "app"


def test_user_substitution_from_arg_and_env() -> None:
    model = parse("""
        ARG UID=10001
        FROM alpine AS base
        ARG UID
        ENV APP_USER=svc GROUP="staff"
        USER ${APP_USER}:${GROUP}
        FROM base
        USER $UID
        """)
    base, final = stages(model)
    assert base.user is not None and base.user.value == "svc:staff" and base.user.certain
    assert base.user.text == "${APP_USER}:${GROUP}"
    # UID is not redeclared in the last stage: it is not visible there.
    assert final.user is not None and final.user.value == "" and final.user.certain is False


def test_user_substitution_failure_is_uncertain() -> None:
    model = parse("""
        FROM alpine
        ARG U
        USER ${U:-0}
        """)
    user = stages(model)[0].user
    assert user is not None and user.value == "0" and user.certain is False
    run_as = model.workloads[0].containers[0].security.run_as_user
    assert run_as is not None and run_as.value == 0 and run_as.certain is False


def test_user_without_argument_is_an_error_not_a_crash() -> None:
    model = parse("""
        FROM alpine
        USER app
        USER
        """)
    assert messages(model) == [(3, "USER requires at least one argument: write USER <user>[:<group>]")]
    assert model.errors[0].column == 1
    assert stages(model)[0].user is not None and stages(model)[0].user.value == "app"


def test_duplicate_and_invalid_stage_names() -> None:
    model = parse("""
        FROM alpine AS app
        FROM alpine AS App
        FROM alpine AS 1bad
        FROM alpine extra
        """)
    assert [line for line, _ in messages(model)] == [2, 3, 4]
    assert "duplicate stage name 'App'" in model.errors[0].message


# -- healthcheck and ports -----------------------------------------------------------------
def test_healthcheck_and_exposed_ports() -> None:
    model = parse("""
        FROM alpine AS base
        EXPOSE 80 443/tcp
        HEALTHCHECK --interval=30s CMD wget -q -O- http://localhost/ || exit 1
        FROM base
        ENV PORT=8080
        EXPOSE ${PORT}/udp
        """)
    assert model.errors == []
    [workload] = model.workloads
    assert workload.healthcheck is not None
    assert workload.healthcheck.value == "wget -q -O- http://localhost/ || exit 1"
    assert workload.healthcheck.loc == Location(PATH, 3, 1)
    ports = workload.containers[0].ports
    assert [(p.container_port.value if p.container_port else None, p.protocol.value if p.protocol else None)
            for p in ports] == [(80, None), (443, "tcp"), (8080, "udp")]
    assert ports[2].loc == Location(PATH, 6, 1)


def test_healthcheck_none_disables() -> None:
    workload = parse("FROM alpine\nHEALTHCHECK NONE\n").workloads[0]
    assert workload.healthcheck is None
    assert workload.healthcheck_disabled is not None and workload.healthcheck_disabled.value is True


def test_invalid_healthcheck_and_expose_are_errors() -> None:
    model = parse("FROM alpine\nHEALTHCHECK curl x\nEXPOSE http\n")
    assert [line for line, _ in messages(model)] == [2, 3]


# -- errors and robustness -------------------------------------------------------------------
def test_empty_file() -> None:
    model = parse_dockerfile(PATH, "")
    assert model.workloads == []
    assert len(model.images) == 1 and model.images[0].stages == ()
    assert model.errors == [ParseError(PATH, "the Dockerfile has no instructions: add at least a FROM instruction")]


def test_comments_only_file_is_empty() -> None:
    model = parse_dockerfile(PATH, "# syntax=docker/dockerfile:1\n\n# nothing\n")
    assert [e.message for e in model.errors] == [
        "the Dockerfile has no instructions: add at least a FROM instruction"]


def test_no_from() -> None:
    model = parse("""
        # comment
        ARG X=1
        RUN echo hi
        """)
    assert model.workloads == []
    assert messages(model) == [
        (2, "no FROM instruction: a Dockerfile must start its build stage with FROM <image>")]


def test_instruction_before_first_from() -> None:
    model = parse("""
        RUN echo early
        FROM alpine
        """)
    assert messages(model) == [
        (1, "RUN before the first FROM: only ARG instructions and comments may come before FROM")]
    assert len(model.workloads) == 1


def test_unknown_instruction_is_reported_and_parsing_goes_on() -> None:
    model = parse("""
        FROM alpine
        FORM x
        USER app
        """)
    assert [(e.line, e.column) for e in model.errors] == [(2, 1)]
    assert "unknown instruction 'FORM'" in model.errors[0].message
    assert keywords(model) == ["FROM", "USER"]
    assert stages(model)[0].user is not None and stages(model)[0].user.value == "app"


def test_from_without_image_still_starts_a_stage() -> None:
    model = parse("FROM alpine\nFROM\nUSER app\n")
    assert [e.line for e in model.errors] == [2]
    assert len(stages(model)) == 2
    assert stages(model)[1].user is not None


def test_empty_base_after_substitution() -> None:
    model = parse('ARG BASE=""\nFROM ${BASE}\n')
    assert [(e.line, e.column) for e in model.errors] == [(2, 1)]
    assert "empty after substituting ARGs" in model.errors[0].message


def test_base_from_an_arg_without_value_is_unknown_not_an_error() -> None:
    model = parse("ARG BASE_IMAGE\nFROM ${BASE_IMAGE}\n")
    assert model.errors == []
    base = stages(model)[0].base
    assert base.value == "" and base.certain is False and base.text == "${BASE_IMAGE}"
    assert parse("ARG BASE_IMAGE\nFROM ${BASE_IMAGE}\n", build_args={"BASE_IMAGE": "alpine"}).images[0].stages[
        0].base.value == "alpine"


@pytest.mark.parametrize("text", [
    "FROM\n", "FROM a\nRUN\n", "FROM a\nCMD\n", "FROM a\nRUN \\", "FROM a\nRUN <<", "FROM a\nRUN <<-\n",
    "FROM ${\n", "FROM a\nUSER ${A:-${B:-${C\n", "FROM a AS\n", "FROM --platform\n", "FROM -- a\n",
    "\\\n", "`\n", "FROM a\nENV\nARG =x\nEXPOSE\nHEALTHCHECK\n", "FROM a\nCOPY <<'' /x\n",
    "FROM a\nUSER " + "${X:-" * 200 + "\n", "\ufeff", "\r\n\r\n", "FROM a\nONBUILD\n",
])
def test_odd_inputs_never_raise(text: str) -> None:
    model = parse_dockerfile(PATH, text)
    assert model.format is Format.DOCKERFILE


# -- content detection -----------------------------------------------------------------------
@pytest.mark.parametrize(("text", "expected"), [
    ("FROM alpine\n", True),
    ("# syntax=docker/dockerfile:1\n# comment\nARG V=1\nARG \\\n  W=2\nfrom alpine:$V\n", True),
    ("RUN echo\nFROM alpine\n", False),
    ("services:\n  web:\n    image: nginx\n", False),
    ("", False),
])
def test_looks_like_dockerfile(text: str, expected: bool) -> None:
    assert looks_like_dockerfile(text) is expected
