// Stand-in for the native 'canvas' package (see package.json): Baler reads ROOT files with jsroot and never draws.
throw new Error("the native 'canvas' package is not installed: Baler uses jsroot only to read ROOT files, which needs no canvas");
