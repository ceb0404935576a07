# fish completion for chaptag; installed as share/fish/vendor_completions.d/chaptag.fish.
# Commands, each command's options (as 'chaptag help COMMAND' lists them), the format names
# after --format/--from/--to, and files otherwise.

set -l commands embed dump verify strip convert silences suggest help
set -l read_formats text json psc ffmetadata mp4chaps audacity cue vtt ogm audition reaper mkvxml csv ffprobe
set -l write_formats text json psc ffmetadata mp4chaps audacity cue vtt ogm audition reaper mkvxml csv youtube spotify apple
set -l report_formats text json jsonl

function __chaptag_using -a cmd
    set -l tokens (commandline -opc)
    test (count $tokens) -ge 2; and test "$tokens[2]" = "$cmd"
end

complete -c chaptag -f
complete -c chaptag -n "__fish_is_first_token" -s h -l help -d 'Show the commands'
complete -c chaptag -n "__fish_is_first_token" -s V -l version -d 'Show the version'
complete -c chaptag -n "__fish_is_first_token" -a embed -d 'Write chapters into an audio file'
complete -c chaptag -n "__fish_is_first_token" -a dump -d 'Print the chapters of audio files'
complete -c chaptag -n "__fish_is_first_token" -a verify -d 'Check chapters the way players read them'
complete -c chaptag -n "__fish_is_first_token" -a strip -d 'Remove the chapters from audio files'
complete -c chaptag -n "__fish_is_first_token" -a convert -d 'Convert a chapter file to another format'
complete -c chaptag -n "__fish_is_first_token" -a silences -d 'List the pauses of an audio file'
complete -c chaptag -n "__fish_is_first_token" -a suggest -d 'Propose chapters at pauses, for long books'
complete -c chaptag -n "__fish_is_first_token" -a help -d 'Show the help of a command'
complete -c chaptag -n "__chaptag_using help" -a "embed dump verify strip convert silences suggest"

# files: AUDIO and CHAPTERS
for cmd in embed dump verify strip convert silences suggest
    complete -c chaptag -n "__chaptag_using $cmd" -F
    complete -c chaptag -n "__chaptag_using $cmd" -s h -l help -d 'Show the options'
end

# embed
complete -c chaptag -n "__chaptag_using embed" -s o -l output -r -F -d 'Write the result to PATH, leave AUDIO untouched'
complete -c chaptag -n "__chaptag_using embed" -s f -l from -x -a "$read_formats" -d 'Format of CHAPTERS'
complete -c chaptag -n "__chaptag_using embed" -l id3v2-version -x -a "3 4" -d 'ID3v2 version to write'
complete -c chaptag -n "__chaptag_using embed" -l mp4-style -x -a "both qt nero" -d 'MP4 chapters: QuickTime track, Nero chpl or both'
complete -c chaptag -n "__chaptag_using embed" -l mp4-images -d 'MP4: write the chapter pictures as an image track'
complete -c chaptag -n "__chaptag_using embed" -l toc-title -x -d 'Title of the table of contents'
complete -c chaptag -n "__chaptag_using embed" -l padding -x -d 'Leave exactly BYTES of padding in the tag'
complete -c chaptag -n "__chaptag_using embed" -l duration -x -d 'Audio duration to use instead of measuring it'
complete -c chaptag -n "__chaptag_using embed" -l image-dir -x -a "(__fish_complete_directories)" -d 'Pictures may also come from DIR'
complete -c chaptag -n "__chaptag_using embed" -l fetch-images -d 'Download pictures given as http(s) URLs'
complete -c chaptag -n "__chaptag_using embed" -l snap-to-silence -d 'Move each chapter start to the nearest pause (=WINDOW, default 2s)'
complete -c chaptag -n "__chaptag_using embed" -l format -x -a "$report_formats" -d 'Report format'
complete -c chaptag -n "__chaptag_using embed" -l chapters -r -F -d 'Each AUDIO file\'s list: a pattern with {dir}, {stem}, {name}'
complete -c chaptag -n "__chaptag_using embed" -l fail-fast -d 'Stop at the first file that fails'
complete -c chaptag -n "__chaptag_using embed" -s n -l dry-run -d 'Check everything and print the plan; write nothing'
complete -c chaptag -n "__chaptag_using embed" -s q -l quiet -d 'Print errors only'
complete -c chaptag -n "__chaptag_using embed" -s v -l verbose -d 'Print the frames written and the duration used'

# the edits of embed and convert
for cmd in embed convert
    complete -c chaptag -n "__chaptag_using $cmd" -l shift -x -d 'Move every chapter by TIME (signed)'
    complete -c chaptag -n "__chaptag_using $cmd" -l cut -x -d 'A span START-END removed from the audio'
    complete -c chaptag -n "__chaptag_using $cmd" -l insert -x -d 'Audio AT+LENGTH inserted (an ad)'
    complete -c chaptag -n "__chaptag_using $cmd" -l add-intro -x -d 'Put a chapter TITLE at 0:00 when the first starts later'
    complete -c chaptag -n "__chaptag_using $cmd" -l skip-prose -d 'CHAPTERS is a pasted description: skip lines without a time'
end

# dump
complete -c chaptag -n "__chaptag_using dump" -l format -x -a "$write_formats" -d 'Chapter format to print'
complete -c chaptag -n "__chaptag_using dump" -s o -l output -r -F -d 'Write the chapter file to FILE'
complete -c chaptag -n "__chaptag_using dump" -l images -x -a "(__fish_complete_directories)" -d 'Save each chapter picture in DIR'
complete -c chaptag -n "__chaptag_using dump" -s q -l quiet -d 'Print no warnings'

# verify
complete -c chaptag -n "__chaptag_using verify" -s c -l chapters -r -F -d 'The chapters the file must carry (a file or a pattern)'
complete -c chaptag -n "__chaptag_using verify" -l siblings -d 'Each AUDIO file against its sibling chapter list'
complete -c chaptag -n "__chaptag_using verify" -l fail-fast -d 'Stop at the first file that fails'
complete -c chaptag -n "__chaptag_using verify" -l image-dir -x -a "(__fish_complete_directories)" -d 'Pictures may also come from DIR'
complete -c chaptag -n "__chaptag_using verify" -s f -l from -x -a "$read_formats" -d 'Format of the chapter file'
complete -c chaptag -n "__chaptag_using verify" -l profile -x -a "youtube spotify apple" -d 'Also check against the rules of a platform'
complete -c chaptag -n "__chaptag_using verify" -l strict -d 'Warnings fail too'
complete -c chaptag -n "__chaptag_using verify" -l format -x -a "$report_formats" -d 'Report format'
complete -c chaptag -n "__chaptag_using verify" -s q -l quiet -d 'Print errors only'

# strip
complete -c chaptag -n "__chaptag_using strip" -s n -l dry-run -d 'Print what would be removed; write nothing'
complete -c chaptag -n "__chaptag_using strip" -s q -l quiet -d 'Print errors only'
complete -c chaptag -n "__chaptag_using strip" -s v -l verbose -d 'Print the frames or boxes written'
complete -c chaptag -n "__chaptag_using strip" -l format -x -a "$report_formats" -d 'Report format'

# convert
complete -c chaptag -n "__chaptag_using convert" -s f -l from -x -a "$read_formats" -d 'Format of CHAPTERS'
complete -c chaptag -n "__chaptag_using convert" -s t -l to -x -a "$write_formats" -d 'Format to print'
complete -c chaptag -n "__chaptag_using convert" -s o -l output -r -F -d 'Write to FILE, not standard output'
complete -c chaptag -n "__chaptag_using convert" -s d -l duration -x -d 'End of the last chapter'
complete -c chaptag -n "__chaptag_using convert" -l from-files -d 'One chapter per AUDIO file, in order'
complete -c chaptag -n "__chaptag_using convert" -s q -l quiet -d 'Print no warnings'

# the pause options of embed, silences and suggest
for cmd in embed silences suggest
    complete -c chaptag -n "__chaptag_using $cmd" -l silence-threshold -x -d 'A pause is audio below DB dBFS (default -40)'
    complete -c chaptag -n "__chaptag_using $cmd" -l min-silence -x -d 'A pause lasts at least TIME (default 300ms)'
end
for cmd in embed suggest
    complete -c chaptag -n "__chaptag_using $cmd" -l snap-to -x -a "start middle end" -d 'Where in the pause (default middle)'
end

# silences
complete -c chaptag -n "__chaptag_using silences" -l format -x -a "text json" -d 'Output format'
complete -c chaptag -n "__chaptag_using silences" -s q -l quiet -d 'Print no warnings'
complete -c chaptag -n "__chaptag_using silences" -s v -l verbose -d 'Say how much of the file was read'

# suggest
complete -c chaptag -n "__chaptag_using suggest" -l every -x -d 'One chapter about every INTERVAL (30m, 00:15:00)'
complete -c chaptag -n "__chaptag_using suggest" -l format -x -a "$write_formats" -d 'Chapter format to print'
complete -c chaptag -n "__chaptag_using suggest" -s o -l output -r -F -d 'Write to FILE, not standard output'
complete -c chaptag -n "__chaptag_using suggest" -l window -x -d 'Look at least TIME either side of each multiple (default 2s)'
complete -c chaptag -n "__chaptag_using suggest" -l duration -x -d 'The audio end, for formats that end the last chapter'
complete -c chaptag -n "__chaptag_using suggest" -s q -l quiet -d 'Print no warnings'
complete -c chaptag -n "__chaptag_using suggest" -s v -l verbose -d 'Say how much of the file was read'
