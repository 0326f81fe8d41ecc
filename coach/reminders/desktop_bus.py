"""Small D-Bus reads shared by the idle and busy sources (jeepney, pure Python).

Each read opens a connection, asks one question and closes it: the runner asks at most
once a minute, and a held connection would be one more thing to go stale when the
desktop restarts its services.
"""

from __future__ import annotations

from jeepney import DBusAddress, new_method_call
from jeepney.io.blocking import open_dbus_connection
from jeepney.wrappers import DBusErrorResponse, unwrap_msg

BUS_TIMEOUT_S = 2.0
PROPERTIES = "org.freedesktop.DBus.Properties"


class BusError(Exception):
    """The bus, the service or the method is not there (or answered with an error)."""


def call(bus: str, name: str, path: str, interface: str, method: str,
         signature: str | None = None, args: tuple = ()) -> tuple:
    """The reply body of one method call; BusError when it cannot be had.

    `bus` is "SESSION", "SYSTEM" or a bus address (tests use a private bus).
    """
    address = DBusAddress(path, bus_name=name, interface=interface)
    try:
        with open_dbus_connection(bus) as connection:
            reply = connection.send_and_get_reply(
                new_method_call(address, method, signature, args), timeout=BUS_TIMEOUT_S)
            return unwrap_msg(reply)
    except DBusErrorResponse as error:
        raise BusError(f"{name} {method}: {error.name}") from None
    except (OSError, KeyError, ValueError, TimeoutError) as error:
        raise BusError(f"{name} {method}: {type(error).__name__}: {error}") from None


def get_property(bus: str, name: str, path: str, interface: str, prop: str):
    """One property's value (the variant unwrapped)."""
    (_signature, value), = call(bus, name, path, PROPERTIES, "Get", "ss", (interface, prop))
    return value


def get_all(bus: str, name: str, path: str, interface: str) -> dict:
    """Every property of an interface: {name: value}."""
    (properties,) = call(bus, name, path, PROPERTIES, "GetAll", "s", (interface,))
    return {key: value for key, (_signature, value) in properties.items()}
