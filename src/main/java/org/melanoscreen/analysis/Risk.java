package org.melanoscreen.analysis;

/** What the device tells the clinician. */
public enum Risk {
    /** Melanoma probability at or above the referral threshold: refer to a dermatologist. */
    REFER,
    /** Below the threshold, with a cleanly found lesion. */
    LOW,
    /** The device is unsure (poor image, no lesion, lesion cut off): take the image again. */
    RETAKE
}
