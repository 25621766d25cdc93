package org.melanoscreen.app;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/** An ISO-8601 time with its offset ({@code 2026-11-27T09:30:00Z}) or a date ({@code 2026-11-27}, 00:00 UTC). */
final class TimeConverter implements ITypeConverter<Instant> {
    @Override
    public Instant convert(String value) {
        try {
            return OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException notATime) {
            try {
                return LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC).toInstant();
            } catch (DateTimeParseException notADate) {
                throw new TypeConversionException("'" + value + "' is not an ISO-8601 time such as "
                        + "2026-11-27T09:30:00Z or a date such as 2026-11-27");
            }
        }
    }
}
