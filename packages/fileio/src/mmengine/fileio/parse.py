"""Parse text files into lists and dicts."""

from __future__ import annotations

from io import StringIO
from pathlib import Path
from typing import Any, Optional, Union

from .backends.errors import ValueAssertionError
from .file_client import FileClient
from .io import _check_deprecated_args, get_text


def _read_text(
    filename: Union[str, Path],
    encoding: str,
    file_client_args: Optional[dict],
    backend_args: Optional[dict],
    func: str,
) -> str:
    _check_deprecated_args(file_client_args, backend_args, func)
    if file_client_args is not None:
        file_client = FileClient.infer_client(file_client_args, filename)
        return file_client.get_text(filename, encoding)
    return get_text(filename, encoding, backend_args=backend_args)


def list_from_file(
    filename: Union[str, Path],
    prefix: str = "",
    offset: int = 0,
    max_num: int = 0,
    encoding: str = "utf-8",
    file_client_args: Optional[dict] = None,
    backend_args: Optional[dict] = None,
) -> list[str]:
    r"""Load a text file and parse the content as a list of strings.

    ``list_from_file`` supports loading a text file which can be stored in
    different backends and parsing the content as a list for strings.

    Args:
        filename (str): Filename.
        prefix (str): The prefix to be inserted to the beginning of each item.
        offset (int): The offset of lines.
        max_num (int): The maximum number of lines to be read,
            zeros and negatives mean no limitation.
        encoding (str): Encoding used to open the file. Defaults to utf-8.
        file_client_args (dict, optional): Arguments to instantiate a
            FileClient. Deprecated: use ``backend_args`` instead.
        backend_args (dict, optional): Arguments to instantiate the
            prefix of uri corresponding backend. Defaults to None.

    Returns:
        list[str]: A list of strings.

    Examples:
        >>> from mmengine.fileio import list_from_file, put_text
        >>> put_text('hello\nworld\n', 'path/of/your/file')
        >>> list_from_file('path/of/your/file')  # disk
        ['hello', 'world']
        >>> # not run by the doctests: it needs a Petrel cluster
        >>> list_from_file('s3://path/of/your/file')  # doctest: +SKIP
        ['hello', 'world']
    """
    text = _read_text(filename, encoding, file_client_args, backend_args, "list_from_file")
    items: list[str] = []
    with StringIO(text) as f:
        for _ in range(offset):
            f.readline()
        for line in f:
            if 0 < max_num <= len(items):
                break
            items.append(prefix + line.rstrip("\n\r"))
    return items


def dict_from_file(
    filename: Union[str, Path],
    key_type: type = str,
    encoding: str = "utf-8",
    file_client_args: Optional[dict] = None,
    backend_args: Optional[dict] = None,
) -> dict[Any, Union[str, list[str]]]:
    r"""Load a text file and parse the content as a dict.

    Each line of the text file will be two or more columns split by
    whitespaces or tabs. The first column will be parsed as dict keys, and
    the following columns will be parsed as dict values (a single str for
    two columns, a list of str for more).

    Args:
        filename (str): Filename.
        key_type (type): Type of the dict keys. str is user by default and
            type conversion will be performed if specified.
        encoding (str): Encoding used to open the file. Defaults to utf-8.
        file_client_args (dict, optional): Arguments to instantiate a
            FileClient. Deprecated: use ``backend_args`` instead.
        backend_args (dict, optional): Arguments to instantiate the
            prefix of uri corresponding backend. Defaults to None.

    Returns:
        dict: The parsed contents.

    Raises:
        ValueError: If a non-empty line has fewer than two columns; the
            message names the file and line. It is also an ``AssertionError``,
            which upstream MMEngine raised.

    Examples:
        >>> from mmengine.fileio import dict_from_file, put_text
        >>> put_text('key1 value1\nkey2 value2\n', 'path/of/your/file')
        >>> dict_from_file('path/of/your/file')  # disk
        {'key1': 'value1', 'key2': 'value2'}
    """
    text = _read_text(filename, encoding, file_client_args, backend_args, "dict_from_file")
    mapping: dict[Any, Union[str, list[str]]] = {}
    for lineno, line in enumerate(text.splitlines(), 1):
        items = line.rstrip("\n").split()
        if not items:
            continue
        if len(items) < 2:
            raise ValueAssertionError(
                f"{filename}, line {lineno}: expected a key and at least one value "
                f"separated by whitespace, but got {line!r}"
            )
        key = key_type(items[0])
        mapping[key] = items[1:] if len(items) > 2 else items[1]
    return mapping
