package jdit.profile;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;

/** {@link ProfileReport} as JSON: the records' component names as keys, nulls kept (an identical result's PSNR). */
public final class ProfileJson {
    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().serializeNulls().create();

    private ProfileJson() {
    }

    public static void write(ProfileReport report, Writer out) throws IOException {
        GSON.toJson(report, out);
        out.flush();
    }

    public static String toJson(ProfileReport report) {
        return GSON.toJson(report);
    }

    public static ProfileReport read(Reader in) {
        return GSON.fromJson(in, ProfileReport.class);
    }
}
