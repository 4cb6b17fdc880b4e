/**
 * Rooms, messages, typing and presence ({@code docs/protocol.md} §9): {@link
 * dev.voxwire.server.rooms.RoomsHandler} serves {@code room:*}, {@code message:*},
 * {@code user:typing} and {@code presence:update} and the channels REST API; everything shared
 * between connections (membership, fan-out, presence, room history) goes through the
 * {@link dev.voxwire.server.rooms.Broker} SPI, so a multi-node broker plugs in without touching
 * the handlers. Messages are kept by a {@link dev.voxwire.server.rooms.MessageStore}, channels by a
 * {@link dev.voxwire.server.rooms.ChannelDirectory}, and joins are checked by a
 * {@link dev.voxwire.server.rooms.RoomAuthorizer}.
 */
@NullMarked
package dev.voxwire.server.rooms;

import org.jspecify.annotations.NullMarked;
