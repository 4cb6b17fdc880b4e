/**
 * {@link dev.voxwire.server.Authenticator} implementations: HMAC-SHA256 JWTs
 * ({@link dev.voxwire.server.auth.JwtAuthenticator}, {@link dev.voxwire.server.auth.JwtIssuer}) and
 * fixed tokens for development ({@link dev.voxwire.server.auth.StaticTokenAuthenticator}).
 */
@NullMarked
package dev.voxwire.server.auth;

import org.jspecify.annotations.NullMarked;
